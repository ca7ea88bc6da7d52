// A data-parallel worker for the tests: rank r takes its half of a fixed
// batch, averages gradients over ranks and writes them: after backward
// (mode "grad") or during it (mode "reducer", which then changes the graph
// and reports the error). Mode "die": rank 1 leaves right after joining;
// rank 0 then tries a collective.
import { ProcessGroup } from '../../dist/distributed/group.js';
import { distEnv } from '../../dist/distributed/env.js';
import { SegModel } from '../../dist/models/index.js';
import { saveTensors } from '../../dist/checkpoint/tensors.js';
import { manualSeed, randn, ones } from '../../dist/tensor/index.js';

const [mode, out] = process.argv.slice(2);
const env = distEnv();
const group = new ProcessGroup(env, 5000);
if (mode === 'die') {
  if (group.rank === 1) process.exit(7);
  const t = ones([4]);
  try {
    group.allreduceSum([t]);
    group.allreduceSum([t]);
    console.log('no error');
  } catch (e) {
    console.error(e.message);
    process.exit(3);
  }
  process.exit(0);
}
manualSeed(0);
const model = new SegModel('tiny').eval();
const x = randn([4, 3, 64, 128]);
group.broadcast([...model.stateDict().values()]);
const mine = x.narrow(0, 2 * group.rank, 2);
const params = model.namedParameters();
const report = {};
if (mode === 'reducer') {
  report.buckets = group.attachGradients([...params.values()], 64 * 1024);
  for (let step = 0; step < 2; step++) {
    for (const p of params.values()) p.grad = null;
    model.forward(mine).main.mean().backward();
    report[`overlapped${step}`] = group.finishGradients();
  }
} else {
  model.forward(mine).main.mean().backward();
  group.allreduceMean([...params.values()].map((p) => p.grad));
}
const pick = new Map(['hrnet.conv1.weight', 'hrnet.stage4.0.fuse_layers.0.3.0.weight', 'ocrnet.segmentation_classes.0.weight'].filter((k) => params.has(k)).map((k) => [k, params.get(k).grad]));
saveTensors(`${out}/rank${group.rank}-${mode}.safetensors`, pick);
if (mode === 'reducer') {
  // Two backward passes in one step (gradient accumulation): every parameter accumulates twice.
  for (const p of params.values()) p.grad = null;
  model.forward(mine).main.mean().backward();
  model.forward(mine).main.mean().backward();
  try {
    group.finishGradients();
  } catch (e) {
    report.changedGraph = e.message;
  }
  console.log(JSON.stringify(report));
}
group.close();
