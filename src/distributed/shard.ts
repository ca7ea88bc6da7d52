// How the work of a data-parallel run is split between its ranks.
import type { ProcessGroup } from './group.js';

/** A seed for (seed, rank): different samples per rank, deterministic. */
export function rankSeed(seed: number, group: ProcessGroup | null): number {
  return seed + 7919 * (group?.rank ?? 0);
}

/** The dataset indices this rank handles (round robin), all of them when alone. */
export function shardIndices(count: number, group: ProcessGroup | null): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  return group ? all.filter((i) => i % group.worldSize === group.rank) : all;
}
