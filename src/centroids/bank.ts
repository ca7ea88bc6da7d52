// The per-class running centroids (docs/method.md §5): exact running means while a class has been seen
// fewer than `maxCount` times (stage 3), slow moving averages during self-training (stage 4).
import { readPthTensor, readSafetensors, writePthTensor, writeSafetensors, type RawTensor } from '../checkpoint/index.js';
import { CheckpointFile } from '../checkpoint/file.js';
import { detectFormat } from '../checkpoint/format.js';
import { checkDevice, type Device, fromBuffer, keep, noGrad, Tensor, tensor, tidy, zeros } from '../tensor/index.js';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';

export interface CentroidBankState {
  /** (numClasses, dim) float32 */
  centroids: Tensor;
  /** (numClasses,) float32: the vectors each class has absorbed, capped at maxCount. */
  count: Tensor;
}

/**
 * Rows of one update, split into rounds in which every class appears at most once: applying
 * the rounds in order is applying the rows one by one, while each round is one batch of
 * tensor operations. (Reads the ids back once; they are a few dozen numbers.)
 */
function roundsOf(ids: Tensor, numClasses: number, who: string): number[][] {
  const values = Array.from(ids.to({ device: 'cpu', dtype: 'int64' }).toTypedArray() as BigInt64Array, Number);
  const seen = new Map<number, number>();
  const rounds: number[][] = [];
  values.forEach((id, row) => {
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) {
      throw new RangeError(`${who}: class id ${id} (row ${row}) is outside 0..${numClasses - 1}`);
    }
    const r = seen.get(id) ?? 0;
    seen.set(id, r + 1);
    (rounds[r] ??= []).push(row);
  });
  return rounds;
}

/** A bank tensor (float32, on any device) as a checkpoint record. */
function hostRaw(t: Tensor): RawTensor {
  return { dtype: 'float32', shape: t.shape, data: t.cpu().contiguous().toBuffer() };
}

function checkMomentum(who: string, momentum: number): void {
  if (!Number.isFinite(momentum) || momentum < 0 || momentum > 1) throw new RangeError(`${who}: momentum must be in [0, 1], got ${momentum}`);
}

export class CentroidBank {
  readonly numClasses: number;
  readonly dim: number;
  readonly device: Device;
  readonly maxCount: number;
  #centroids: Tensor;
  #count: Tensor;

  constructor(numClasses = CITYSCAPES_19.classes, dim = 512, device: Device | string = 'cpu', options: { maxCount?: number } = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`CentroidBank: numClasses must be a positive integer, got ${numClasses}`);
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`CentroidBank: dim must be a positive integer, got ${dim}`);
    const maxCount = options.maxCount ?? 3000;
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError(`CentroidBank: maxCount must be a positive integer, got ${maxCount}`);
    this.numClasses = numClasses;
    this.dim = dim;
    this.device = checkDevice(device);
    this.maxCount = maxCount;
    this.#centroids = keep(zeros([numClasses, dim], { device: this.device }));
    this.#count = keep(zeros([numClasses], { device: this.device }));
  }

  /** (numClasses, dim) float32, owned by the bank (do not dispose). */
  get centroids(): Tensor {
    return this.#centroids;
  }
  /** (numClasses,) float32, owned by the bank (do not dispose). */
  get count(): Tensor {
    return this.#count;
  }

  /**
   * Running means, row by row in order: count ← min(count + 1, maxCount), then
   * c ← c + (v − c) / count. Below the cap a class's centroid is the exact mean of its vectors.
   */
  meanUpdate(vectors: Tensor, ids: Tensor): void {
    this.apply(vectors, ids, 'CentroidBank.meanUpdate', (c, v, n) => c.add(v.sub(c).div(n.unsqueeze(1))));
  }

  /** Moving averages, row by row in order: c ← (1 − momentum)·c + momentum·v; count grows as in meanUpdate. */
  movingAverageUpdate(vectors: Tensor, ids: Tensor, momentum = 1e-4): void {
    checkMomentum('CentroidBank.movingAverageUpdate', momentum);
    this.apply(vectors, ids, 'CentroidBank.movingAverageUpdate', (c, v) => c.mul(1 - momentum).add(v.mul(momentum)));
  }

  /**
   * movingAverageUpdate for dense class means (B, N, C) with their keep mask (B, N), as
   * classMeansDense gives them: the same updates in the same order (sample by sample, and
   * each class at most once per sample), without reading anything back from the device.
   */
  movingAverageUpdateDense(means: Tensor, keep: Tensor, momentum = 1e-4): void {
    const who = 'CentroidBank.movingAverageUpdateDense';
    checkMomentum(who, momentum);
    const ms = means.shape;
    if (ms.length !== 3 || ms[1] !== this.numClasses || ms[2] !== this.dim) {
      throw new TypeError(`${who}: means must be (B, ${this.numClasses}, ${this.dim}), got shape [${ms.join(', ')}]`);
    }
    if (keep.ndim !== 2 || keep.shape[0] !== ms[0] || keep.shape[1] !== ms[1]) {
      throw new TypeError(`${who}: keep must be (${ms[0]}, ${ms[1]}), got shape [${keep.shape.join(', ')}]`);
    }
    noGrad(() =>
      tidy(() => {
        const m = means.to({ device: this.device, dtype: 'float32' });
        const k = keep.to({ device: this.device, dtype: 'bool' });
        for (let b = 0; b < ms[0]; b++) {
          const kb = k.select(0, b);
          const updated = this.#centroids.mul(1 - momentum).add(m.select(0, b).mul(momentum));
          this.#centroids.copy_(updated.where(kb.unsqueeze(1), this.#centroids));
          this.#count.copy_(this.#count.add(1).clamp(null, this.maxCount).where(kb, this.#count));
        }
      }),
    );
  }

  private apply(vectors: Tensor, ids: Tensor, who: string, step: (c: Tensor, v: Tensor, n: Tensor) => Tensor): void {
    const vs = vectors.shape;
    if (vs.length !== 2 || vs[1] !== this.dim) throw new TypeError(`${who}: vectors must be (K, ${this.dim}), got shape [${vs.join(', ')}]`);
    if (ids.ndim !== 1 || ids.shape[0] !== vs[0]) throw new TypeError(`${who}: ids must be (K,) with K = ${vs[0]}, got shape [${ids.shape.join(', ')}]`);
    noGrad(() =>
      tidy(() => {
        const rounds = roundsOf(ids, this.numClasses, who);
        const v = vectors.to({ device: this.device, dtype: 'float32' });
        const allIds = ids.to({ device: this.device, dtype: 'int64' });
        for (const rows of rounds) {
          const idx = tensor(rows, { dtype: 'int64', device: this.device });
          const cls = allIds.indexSelect(0, idx);
          const n = this.#count.indexSelect(0, cls).add(1).clamp(null, this.maxCount);
          const updated = step(this.#centroids.indexSelect(0, cls), v.indexSelect(0, idx), n);
          this.#centroids.scatter_(0, cls.unsqueeze(1).expand(rows.length, this.dim), updated);
          this.#count.scatter_(0, cls, n);
        }
      }),
    );
  }

  /** (numClasses,) float32: the Euclidean distance of each centroid from the same row of `from`. */
  distanceFrom(from: Tensor): Tensor {
    return noGrad(() => tidy(() => this.#centroids.sub(from.to({ device: this.device, dtype: 'float32' })).pow(2).sum(1).sqrt()));
  }

  /** A copy of the state; the caller owns its tensors. */
  stateDict(): CentroidBankState {
    return noGrad(() => ({ centroids: this.#centroids.clone(), count: this.#count.clone() }));
  }

  /** Replaces the state with a copy of `state` (checked against this bank's shape). */
  loadStateDict(state: CentroidBankState): void {
    const c = state?.centroids;
    const n = state?.count;
    if (!(c instanceof Tensor) || c.ndim !== 2 || c.shape[0] !== this.numClasses || c.shape[1] !== this.dim) {
      throw new TypeError(`CentroidBank.loadStateDict: centroids must be (${this.numClasses}, ${this.dim}), got ${c instanceof Tensor ? `[${c.shape.join(', ')}]` : typeof c}`);
    }
    if (!(n instanceof Tensor) || n.ndim !== 1 || n.shape[0] !== this.numClasses) {
      throw new TypeError(`CentroidBank.loadStateDict: count must be (${this.numClasses},), got ${n instanceof Tensor ? `[${n.shape.join(', ')}]` : typeof n}`);
    }
    const copy = (t: Tensor) => keep(t.to({ device: this.device, dtype: 'float32', copy: true }));
    const [nc, nn] = noGrad(() => [copy(c), copy(n)]);
    this.#centroids.dispose();
    this.#count.dispose();
    this.#centroids = nc;
    this.#count = nn;
  }

  /** Writes `centroids` and `count` to a safetensors file (atomically). */
  save(path: string): void {
    const tensors = tidy(() => new Map([['centroids', hostRaw(this.#centroids)], ['count', hostRaw(this.#count)]]));
    writeSafetensors(path, tensors, { numClasses: String(this.numClasses), dim: String(this.dim), maxCount: String(this.maxCount) });
  }

  /**
   * Writes the centroids alone as torch.save(tensor) does, the published `feat_centroids`:
   * `torch.load` returns the (numClasses, dim) float32 tensor.
   */
  saveTorch(path: string): void {
    writePthTensor(path, tidy(() => hostRaw(this.#centroids)));
  }

  /**
   * A bank from a file written by save() (safetensors: centroids and counts) or by
   * saveTorch() or the published code (a torch.save'd tensor: centroids only, counts zero,
   * which self-training's moving averages never read). Its shape comes from the file.
   */
  static load(path: string, device: Device | string = 'cpu', options: { maxCount?: number } = {}): CentroidBank {
    let c: RawTensor | undefined;
    let n: RawTensor | undefined;
    let savedMax = Number.NaN;
    if (CheckpointFile.use(path, detectFormat) === 'safetensors') {
      const { tensors, metadata } = readSafetensors(path);
      c = tensors.get('centroids');
      n = tensors.get('count');
      if (c === undefined || n === undefined) {
        throw new TypeError(`CentroidBank.load: ${path} lacks a "centroids" or "count" tensor; write it with CentroidBank.save`);
      }
      savedMax = Number(metadata.maxCount);
    } else {
      c = readPthTensor(path);
    }
    if (c.shape.length !== 2) throw new TypeError(`CentroidBank.load: the centroids in ${path} have shape [${c.shape.join(', ')}], expected (numClasses, dim)`);
    const bank = new CentroidBank(c.shape[0], c.shape[1], device, { maxCount: options.maxCount ?? (Number.isInteger(savedMax) && savedMax > 0 ? savedMax : undefined) });
    try {
      tidy(() =>
        bank.loadStateDict({
          centroids: fromBuffer(c.data, c.dtype, c.shape, { copy: true }).float(),
          count: n ? fromBuffer(n.data, n.dtype, n.shape, { copy: true }) : zeros([c.shape[0]]),
        }),
      );
    } catch (err) {
      bank.dispose();
      throw err;
    }
    return bank;
  }

  dispose(): void {
    this.#centroids.dispose();
    this.#count.dispose();
  }
}
