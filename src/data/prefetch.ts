/**
 * An ordered prefetch queue: up to `depth` items are being produced or wait ready ahead of the
 * consumer, and they are delivered in plan order whatever order they finish in. Production
 * work is async (sharp runs on libuv's thread pool), so "workers" are just promises in flight;
 * a shared `Limiter` caps how many unit tasks (e.g. sample decodes) run at once.
 */

/** A FIFO counting semaphore. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (the count stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

interface Pending<P, T> {
  plan: P;
  promise: Promise<T>;
  settled: boolean;
}

export interface PrefetchStats {
  /** Items delivered to the consumer. */
  delivered: number;
  /** Items produced or being produced but not yet delivered. */
  queued: number;
  /** Of those, the ones already finished. */
  ready: number;
  /** Total milliseconds the consumer waited for an item that was not ready. */
  waitMs: number;
}

export interface PrefetchOptions<P, T> {
  /** Next plan, or undefined when the source is exhausted. Called in order. */
  plan: () => P | undefined;
  /** Produces the item of a plan. */
  produce: (plan: P) => Promise<T>;
  /** Items produced ahead of the consumer (default 2). */
  depth?: number;
}

export class Prefetcher<P, T> implements AsyncIterableIterator<T> {
  private readonly queue: Pending<P, T>[] = [];
  private readonly depth: number;
  private exhausted = false;
  private closed = false;
  private failure: unknown = undefined;
  private delivered = 0;
  private waitMs = 0;
  private last: P | undefined;

  constructor(private readonly options: PrefetchOptions<P, T>) {
    this.depth = options.depth ?? 2;
    if (!Number.isInteger(this.depth) || this.depth < 1) {
      throw new Error(`prefetch depth must be a positive integer, got ${options.depth}`);
    }
  }

  /** The plan of the item delivered last (undefined before the first). */
  get lastPlan(): P | undefined {
    return this.last;
  }

  stats(): PrefetchStats {
    return {
      delivered: this.delivered,
      queued: this.queue.length,
      ready: this.queue.filter((p) => p.settled).length,
      waitMs: this.waitMs,
    };
  }

  /** Starts production up to `depth` items ahead. */
  private fill(): void {
    while (!this.closed && !this.exhausted && this.queue.length < this.depth) {
      let plan: P | undefined;
      try {
        plan = this.options.plan();
      } catch (err) {
        this.queue.push(this.rejected(err));
        this.exhausted = true;
        return;
      }
      if (plan === undefined) {
        this.exhausted = true;
        return;
      }
      const next = plan;
      const pending: Pending<P, T> = { plan, settled: false, promise: undefined as unknown as Promise<T> };
      pending.promise = Promise.resolve()
        .then(() => this.options.produce(next))
        .finally(() => {
          pending.settled = true;
        });
      // The consumer sees the error when it reaches this item; no unhandled rejection before.
      pending.promise.catch(() => undefined);
      this.queue.push(pending);
    }
  }

  private rejected(err: unknown): Pending<P, T> {
    const promise = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    promise.catch(() => undefined);
    return { plan: undefined as P, promise, settled: true };
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) return { done: true, value: undefined };
    this.fill();
    const head = this.queue.shift();
    if (!head) {
      this.closed = true;
      return { done: true, value: undefined };
    }
    // Keep the queue full while the consumer works on this item.
    this.fill();
    const started = performance.now();
    try {
      const value = await head.promise;
      this.waitMs += performance.now() - started;
      this.delivered++;
      this.last = head.plan;
      return { done: false, value };
    } catch (err) {
      this.failure = err;
      await this.close();
      throw err;
    }
  }

  /** Stops producing and waits until work in flight has settled (its results are dropped). */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.queue.splice(0);
    await Promise.allSettled(pending.map((p) => p.promise));
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
