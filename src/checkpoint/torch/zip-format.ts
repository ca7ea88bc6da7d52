import { CheckpointError } from '../errors.js';
import type { CheckpointFile } from '../file.js';
import { call, global, orderedDict, persistent, pickle, tuple, type PickleValue } from '../pickle/pickle.js';
import { BufferSource } from '../pickle/source.js';
import { unpickle } from '../pickle/unpickle.js';
import { contiguousStrides, itemSize, numel, type RawStateDict, type RawTensor } from '../raw.js';
import { ZipReader } from '../zip/read.js';
import { writeZip, type ZipInput } from '../zip/write.js';
import { TorchPickleContext } from './globals.js';
import { storageClassName } from './storages.js';

// The format of torch.save since PyTorch 1.6: a zip archive whose entries share one folder name
// (`archive` when written by torch.save, the file's stem in some older writers):
//   <name>/data.pkl     the pickled object; storages are persistent ids
//   <name>/data/<key>   each storage's raw little-endian bytes
//   <name>/version      the format version
//   <name>/byteorder    "little" or "big" (PyTorch >= 2.1)

/** Reads the object pickled in a zip-format .pth, tensors as RawTensors. */
export function readZipPth(file: CheckpointFile): unknown {
  const { path } = file;
  const zip = ZipReader.open(file);
  const pklName = [...zip.entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pklName === undefined) {
    const names = [...zip.entries.keys()].slice(0, 5).join(', ');
    throw new CheckpointError(
      path,
      `${path} is a zip archive without <name>/data.pkl, so not a PyTorch checkpoint (entries: ${names || 'none'})`,
    );
  }
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const byteorder = zip.entries.get(`${prefix}byteorder`);
  if (byteorder && zip.read(byteorder).toString('latin1').trim() !== 'little') {
    throw new CheckpointError(
      path,
      `${path} was saved on a big-endian machine; load and save it again on a little-endian one`,
    );
  }

  const context = new TorchPickleContext(path);
  const value = unpickle(new BufferSource(zip.read(zip.entries.get(pklName)!)), {
    path,
    what: pklName,
    findGlobal: context.findGlobal,
    persistentLoad: context.persistentLoad,
  });
  context.tensors.materialize((key) => {
    const name = `${prefix}data/${key}`;
    const entry = zip.entries.get(name);
    if (entry === undefined)
      throw new CheckpointError(path, `${path} is corrupt: storage ${key} is used but ${name} is missing`);
    const data = zip.read(entry);
    const info = context.storages.get(key)!;
    const expected = info.numel * itemSize(info.dtype);
    if (data.byteLength < expected) {
      throw new CheckpointError(
        path,
        `${path} is corrupt: ${name} has ${data.byteLength} bytes, storage ${key} needs ${expected}`,
      );
    }
    return data;
  });
  return value;
}

/**
 * Writes `value` to `fd` as torch.save would: a state dict becomes an OrderedDict of
 * _rebuild_tensor_v2 calls (torch.save(model.state_dict())), a single tensor that call alone
 * (torch.save(tensor)). One storage per tensor, keyed "0", "1", ... in order.
 */
export function writeZipPth(fd: number, value: RawStateDict | RawTensor): void {
  const rebuild = global('torch._utils', '_rebuild_tensor_v2');
  const tensors = value instanceof Map ? [...value.values()] : [value];
  const rebuilt = tensors.map((t, index) => {
    const storage = persistent(tuple('storage', global('torch', storageClassName(t.dtype)), String(index), 'cpu', numel(t.shape)));
    return call(rebuild, storage, 0, tuple(...t.shape), tuple(...contiguousStrides(t.shape)), false, orderedDict([]));
  });
  const names = value instanceof Map ? [...value.keys()] : [];
  const object = value instanceof Map ? orderedDict(names.map((name, i): [PickleValue, PickleValue] => [name, rebuilt[i]])) : rebuilt[0];
  const data = tensors.map((t, i): ZipInput => ({ name: `archive/data/${i}`, data: t.data }));
  writeZip(fd, [
    { name: 'archive/data.pkl', data: pickle(object) },
    { name: 'archive/byteorder', data: Buffer.from('little') },
    ...data,
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}
