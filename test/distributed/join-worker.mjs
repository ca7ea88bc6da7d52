// A rank that joins the process group its environment describes, sums its
// rank + 1 over all ranks and prints {rank, sum}; a failure goes to stderr
// (exit 1).
import { ProcessGroup } from '../../dist/distributed/group.js';
import { distEnv } from '../../dist/distributed/env.js';
import { tensor } from '../../dist/tensor/index.js';

try {
  const group = new ProcessGroup(distEnv(), 20_000);
  const t = tensor([group.rank + 1]);
  group.allreduceSum([t]);
  console.log(JSON.stringify({ rank: group.rank, sum: t.item() }));
  group.close();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
