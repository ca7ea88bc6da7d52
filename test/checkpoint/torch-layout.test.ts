// Files diga writes for the published code to torch.load: the weight folders' student.pth /
// teacher.pth and the centroid stage's feat_centroids. Their bytes are checked with our own
// pickle reader against what PyTorch itself wrote (tiny_state_dict_zip.pth, saved by torch.save).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CentroidBank } from '../../src/centroids/bank.js';
import { readPth, readPthTensor, readSafetensors } from '../../src/checkpoint/index.js';
import { CheckpointFile } from '../../src/checkpoint/file.js';
import { PyCallable, unpickle } from '../../src/checkpoint/pickle/unpickle.js';
import { BufferSource } from '../../src/checkpoint/pickle/source.js';
import { ZipReader } from '../../src/checkpoint/zip/read.js';
import { SegModel } from '../../src/models/index.js';
import { findWeights, saveWeights } from '../../src/models/weights.js';
import { fromBuffer, randn, tidy } from '../../src/tensor/index.js';
import { expectSameStateDict, fixture, tempDir } from './helpers.js';

/**
 * A zip-format .pth as written: the entry names below the archive folder, and the pickled
 * object with every global and persistent id spelt out (no tensor is built).
 */
function layout(file: string): { entries: string[]; object: unknown } {
  return CheckpointFile.use(file, (f) => {
    const zip = ZipReader.open(f);
    const names = [...zip.entries.keys()];
    const pkl = names.find((n) => n.endsWith('/data.pkl'))!;
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const object = unpickle(new BufferSource(zip.read(zip.entries.get(pkl)!)), {
      path: file,
      what: pkl,
      findGlobal: (module, name) => {
        const q = `${module}.${name}`;
        if (q === 'collections.OrderedDict') return new PyCallable(q, () => new Map(), () => undefined);
        if (q === 'torch._utils._rebuild_tensor_v2') return new PyCallable(q, (args) => ({ [q]: [...args] }));
        if (module === 'torch' && name.endsWith('Storage')) return q;
        throw new Error(`unexpected global ${q}`);
      },
      persistentLoad: (pid) => ({ persistent: [...(pid as unknown[])] }),
    });
    return { entries: names.map((n) => n.slice(prefix.length)).sort(), object };
  });
}

describe('what torch.load reads from diga', () => {
  it("student.pth has PyTorch's own layout: the same pickled OrderedDict of _rebuild_tensor_v2 calls, entry for entry", () => {
    const dir = tempDir();
    const model = new SegModel('tiny');
    tidy(() => {
      const dict = new Map([...readSafetensors(fixture('tiny_state_dict.safetensors')).tensors].map(([k, r]) => [k, fromBuffer(r.data, r.dtype, r.shape, { copy: true })]));
      model.loadStateDict(dict);
    });
    const files = saveWeights(dir, 'student', model, {}, 'pth');
    expect(files).toEqual([path.join(dir, 'student.pth')]);
    const ours = layout(files[0]);
    const torch = layout(fixture('tiny_state_dict_zip.pth'));
    expect(ours.object).toEqual(torch.object);
    // Every entry PyTorch wrote is there (PyTorch ≥ 2.1 also writes byteorder, which we do).
    expect(ours.entries).toEqual(expect.arrayContaining(torch.entries));
    expectSameStateDict(readPth(files[0]), readPth(fixture('tiny_state_dict_zip.pth')));
    model.dispose();
  });

  it('--save-format both writes both files; a folder holding both is read from the newer', () => {
    const dir = tempDir();
    const model = new SegModel('tiny');
    const files = saveWeights(dir, 'teacher', model, { stage: 'warm-up' }, 'both');
    expect(files.map((f) => path.basename(f))).toEqual(['teacher.safetensors', 'teacher.pth']);
    expectSameStateDict(readPth(files[1]), readSafetensors(files[0]).tensors);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(files[0], old, old);
    expect(findWeights(dir, 'teacher')).toBe(files[1]);
    fs.utimesSync(files[1], new Date(old.getTime() - 1000), new Date(old.getTime() - 1000));
    expect(findWeights(dir, 'teacher')).toBe(files[0]);
    model.dispose();
  });

  it('feat_centroids is torch.save(tensor): one _rebuild_tensor_v2 call over one float storage', () => {
    const dir = tempDir();
    const file = path.join(dir, 'feat_centroids');
    const bank = new CentroidBank(19, 512);
    tidy(() => bank.loadStateDict({ centroids: randn([19, 512]), count: randn([19]).abs() }));
    bank.saveTorch(file);
    const { entries, object } = layout(file);
    expect(entries).toEqual(['byteorder', 'data.pkl', 'data/0', 'version']);
    expect(object).toEqual({
      'torch._utils._rebuild_tensor_v2': [{ persistent: ['storage', 'torch.FloatStorage', '0', 'cpu', 19 * 512] }, 0, [19, 512], [512, 1], false, new Map()],
    });
    // The same call PyTorch writes for each tensor of a state dict.
    const torchEntry = (layout(fixture('tiny_state_dict_zip.pth')).object as Map<string, Record<string, unknown[]>>).get('ocrnet.segmentation_classes.0.weight')!;
    const call = torchEntry['torch._utils._rebuild_tensor_v2'];
    expect(call.map((a) => typeof a)).toEqual((object as Record<string, unknown[]>)['torch._utils._rebuild_tensor_v2'].map((a) => typeof a));
    expect(readPthTensor(file)).toMatchObject({ dtype: 'float32', shape: [19, 512] });
    // Read back (as self-training does) it is the same matrix.
    const back = CentroidBank.load(file);
    expect(tidy(() => back.centroids.sub(bank.centroids).abs().max().item())).toBe(0);
    back.dispose();
    bank.dispose();
  });
});
