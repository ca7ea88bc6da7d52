// A process group (c10d TCPStore; Gloo for CPU tensors, NCCL for CUDA ones where
// the build has it) with the collectives training needs: gradient averaging in
// native buckets started during backward (attachGradients), broadcast from rank 0,
// gathers of rows and JSON, barriers. Every call blocks until all ranks join or
// the timeout passes; a rank that died makes the others' calls fail.
import { native } from '../native/binding.js';
import type { TensorHandle } from '../native/types.js';
import { cat, fromBuffer, noGrad, Tensor, tensor, tidy, zeros } from '../tensor/index.js';
import type { DistEnv } from './env.js';

interface NativeGroup {
  allreduce(tensors: TensorHandle[]): void;
  broadcast(tensors: TensorHandle[], root: number): void;
  allgather(t: TensorHandle): TensorHandle[];
  barrier(): void;
  close(): void;
  attachGradReducer(params: TensorHandle[], bucketBytes: number): number;
  finishGradReduction(): number;
  detachGradReducer(): void;
}

/** Bytes per gradient bucket: large enough to amortise a collective, small enough to overlap. */
const BUCKET_BYTES = 25 * 2 ** 20;

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly #pg: NativeGroup;

  /** Which collectives this addon has: 'gloo' (CPU tensors; CUDA ones too, slowly) and 'nccl' (CUDA builds). */
  static backends(): string[] {
    return (native() as unknown as { distributedBackends?: string[] }).distributedBackends ?? [];
  }

  /**
   * Joins the group: waits for every rank up to the rendezvous timeout
   * (env.rdzvTimeoutS, else timeoutMs), then connects Gloo from this
   * machine's address that routes to env.masterAddr (or from the interfaces
   * GLOO_SOCKET_IFNAME names). With `nccl`, CUDA tensors go through NCCL and
   * everything else through Gloo; it throws when the addon has no NCCL (see backends()).
   */
  constructor(env: DistEnv, timeoutMs = 300_000, options: { nccl?: boolean } = {}) {
    const ctor = (native() as unknown as { ProcessGroup?: new (o: object) => NativeGroup }).ProcessGroup;
    if (!ctor) throw new Error('this diga addon was built without distributed support (the gloo headers were not found: apt-get install libgloo-dev, then rebuild)');
    this.rank = env.rank;
    this.worldSize = env.worldSize;
    try {
      this.#pg = new ctor({
        rank: env.rank, worldSize: env.worldSize, masterAddr: env.masterAddr, masterPort: env.masterPort, timeoutMs,
        rendezvousTimeoutMs: env.rdzvTimeoutS === undefined ? timeoutMs : env.rdzvTimeoutS * 1000,
        localWorldSize: env.localWorldSize, nccl: options.nccl ?? false,
      });
    } catch (err) {
      throw new Error(`rank ${env.rank}: could not join the process group at ${env.masterAddr}:${env.masterPort}: ${(err as Error).message}`);
    }
  }

  get isMain(): boolean {
    return this.rank === 0;
  }

  #call<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new Error(`rank ${this.rank}: ${what} failed (another rank died or timed out?): ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** In place: every tensor becomes the mean over ranks. Flattened into buckets, one collective each. */
  allreduceMean(tensors: Tensor[]): void {
    noGrad(() => {
      let bucket: Tensor[] = [];
      let bytes = 0;
      const flush = () => {
        if (bucket.length === 0) return;
        tidy(() => {
          const flat = cat(bucket.map((t) => t.reshape(-1)));
          this.#call('allreduce', () => this.#pg.allreduce([flat.handle]));
          flat.div_(this.worldSize);
          let offset = 0;
          for (const t of bucket) {
            const n = t.numel();
            t.copy_(flat.narrow(0, offset, n).view(t.shape));
            offset += n;
          }
        });
        bucket = [];
        bytes = 0;
      };
      for (const t of tensors) {
        bucket.push(t);
        bytes += t.numel() * 4;
        if (bytes >= BUCKET_BYTES) flush();
      }
      flush();
    });
  }

  /**
   * From now on these parameters' gradients are averaged during backward:
   * flat buckets whose all-reduce starts as soon as their gradients are
   * complete, overlapping the rest of backward (PyTorch DDP with a static
   * graph). The first backward pass learns how many gradients each parameter
   * receives. Call finishGradients() after every backward. Returns the bucket count.
   */
  attachGradients(params: Tensor[], bucketBytes = BUCKET_BYTES): number {
    return this.#call('attaching the gradient reducer', () => this.#pg.attachGradReducer(params.map((p) => p.handle), bucketBytes));
  }

  /** After backward: waits for the buckets and leaves the mean in every .grad. Returns how many started during backward. */
  finishGradients(): number {
    return this.#call('gradient all-reduce', () => this.#pg.finishGradReduction());
  }

  detachGradients(): void {
    this.#pg.detachGradReducer();
  }

  /** In place: the tensors take rank 0's values. */
  broadcast(tensors: Tensor[]): void {
    this.#call('broadcast', () => this.#pg.broadcast(tensors.map((t) => t.handle), 0));
  }

  /** In place: element-wise sum over ranks. */
  allreduceSum(tensors: Tensor[]): void {
    this.#call('allreduce', () => this.#pg.allreduce(tensors.map((t) => t.handle)));
  }

  /** Every rank's copy of a tensor of the same shape everywhere, in rank order. */
  allgather(t: Tensor): Tensor[] {
    return this.#call('allgather', () => this.#pg.allgather(t.handle)).map((handle) => new Tensor(handle));
  }

  /** Every rank's rows (N_r × ...), concatenated in rank order; N_r may differ. */
  allgatherRows(rows: Tensor): Tensor {
    return this.#gatherRows(rows).rows;
  }

  /** The gathered rows and each rank's row count. */
  #gatherRows(rows: Tensor): { rows: Tensor; counts: number[] } {
    return noGrad(() =>
      tidy(() => {
        const count = tensor([rows.shape[0]], { dtype: 'int64' });
        const counts = this.allgather(count).map((c) => c.item());
        const most = Math.max(...counts);
        // Nothing anywhere: skip the gather (an empty collective is not allowed).
        if (most === 0) return { rows: rows.clone(), counts };
        const padded = zeros([most, ...rows.shape.slice(1)], { dtype: rows.dtype });
        if (rows.shape[0] > 0) padded.narrow(0, 0, rows.shape[0]).copy_(rows);
        const parts = this.allgather(padded);
        return { rows: cat(parts.map((t, r) => t.narrow(0, 0, counts[r]))), counts };
      }),
    );
  }

  /** JSON values from every rank, in rank order. */
  allgatherJson<T>(value: T): T[] {
    const bytes = Buffer.from(JSON.stringify(value));
    const { rows, counts } = this.#gatherRows(fromBuffer(bytes, 'uint8', [bytes.length], { copy: true }));
    const buf = rows.toBuffer();
    rows.dispose();
    const out: T[] = [];
    let at = 0;
    for (const n of counts) {
      out.push(JSON.parse(buf.subarray(at, at + n).toString('utf8')) as T);
      at += n;
    }
    return out;
  }

  barrier(): void {
    this.#call('barrier', () => this.#pg.barrier());
  }

  close(): void {
    this.#pg.close();
  }
}
