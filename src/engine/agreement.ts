// What the ranks of a data-parallel run agree on besides the gradients: that their
// replicas are still identical, and whether to stop at this step.
import type { ProcessGroup } from '../distributed/group.js';
import { stack, tensor, tidy, type Tensor } from '../tensor/index.js';

/** Data parallelism keeps parameters, teacher and centroids identical on every rank; check it. */
export function checkReplicas(group: ProcessGroup, tensors: Tensor[]): void {
  // One read-back for all the sums.
  const sums = tidy(() => [...(stack(tensors.map((t) => t.double().sum())).toTypedArray() as Float64Array)]);
  const all = group.allgatherJson(sums);
  const bad = all.findIndex((other) => other.some((v, i) => v !== sums[i]));
  if (bad >= 0) throw new Error(`rank ${group.rank}: the replicas diverged (rank ${bad} holds different weights); data-parallel training is broken`);
}

/** Whether any rank was asked to stop, so that all stop at the same step. A collective: every rank calls it every step. */
export function stopRequested(group: ProcessGroup | null, local: boolean): boolean {
  if (!group) return local;
  return tidy(() => {
    const flag = tensor([local ? 1 : 0], { dtype: 'int64' });
    group.allreduceSum([flag]);
    return flag.item() > 0;
  });
}
