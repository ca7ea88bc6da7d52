// diga's public API.
export * from './tensor/index.js';
export {
  CheckpointError,
  readPth,
  readPthObject,
  readSafetensors,
  readSafetensorsHeader,
  readStateDict,
  writeFileAtomic,
  writePth,
  writeSafetensors,
  writeStateDict,
  type RawStateDict,
  type RawTensor,
} from './checkpoint/index.js';
export { packageVersion } from './version.js';
