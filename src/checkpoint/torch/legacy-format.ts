import { CheckpointError } from '../errors.js';
import type { CheckpointFile } from '../file.js';
import { unpickle } from '../pickle/unpickle.js';
import { itemSize } from '../raw.js';
import { TorchPickleContext } from './globals.js';

// The format of torch.save before PyTorch 1.6: five pickles one after another — the magic
// number, the protocol version (1001), system info (endianness, type sizes), the object, the
// list of storage keys — then, for each key in that list, its element count (8 bytes, little
// endian) and its raw bytes.

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** Reads the object pickled in a legacy-format .pth, tensors as RawTensors. */
export function readLegacyPth(file: CheckpointFile): unknown {
  const { path } = file;
  const cursor = file.cursor(0);
  const plain = (what: string): unknown => unpickle(cursor, { path, what, findGlobal: () => undefined });

  const magic = plain('the magic number');
  if (typeof magic !== 'bigint' || magic !== MAGIC)
    throw new CheckpointError(path, `${path} has a wrong magic number for a legacy PyTorch file`);
  const version = plain('the protocol version');
  if (version !== PROTOCOL_VERSION) {
    throw new CheckpointError(
      path,
      `${path} has legacy protocol version ${String(version)}; only ${PROTOCOL_VERSION} is known`,
    );
  }
  const system = plain('the system info');
  if (system instanceof Map && system.get('little_endian') === false) {
    throw new CheckpointError(
      path,
      `${path} was saved on a big-endian machine; load and save it again on a little-endian one`,
    );
  }

  const context = new TorchPickleContext(path);
  const value = unpickle(cursor, {
    path,
    what: 'the pickled object',
    findGlobal: context.findGlobal,
    persistentLoad: context.persistentLoad,
  });
  const keys = plain('the storage key list');
  if (!Array.isArray(keys)) throw new CheckpointError(path, `${path} is corrupt: the storage key list is not a list`);

  // Storages follow in key order; their sizes come from the file, their dtypes from the pickle.
  const places = new Map<string, { offset: number; length: number }>();
  let at = cursor.position;
  for (const rawKey of keys) {
    const key = String(rawKey);
    const info = context.storages.get(key);
    if (info === undefined)
      throw new CheckpointError(
        path,
        `${path} is corrupt: storage ${key} is listed but no tensor uses it, so its size is unknown`,
      );
    const count = file.read(at, 8, `the size of storage ${key}`).readBigUInt64LE(0);
    const length = Number(count) * itemSize(info.dtype);
    places.set(key, { offset: at + 8, length });
    at += 8 + length;
    if (at > file.size) {
      throw new CheckpointError(
        path,
        `${path} is truncated: storage ${key} ends at byte ${at}, the file has ${file.size} bytes`,
      );
    }
  }
  context.tensors.materialize((key) => {
    const place = places.get(key);
    if (place === undefined)
      throw new CheckpointError(path, `${path} is corrupt: storage ${key} is used but not in the storage list`);
    return file.read(place.offset, place.length, `storage ${key}`);
  });
  return value;
}
