// One process of the data-parallel benchmark: timed training steps of a
// network on random data, with the gradient all-reduce timed apart: after
// backward (mode "after"), or started during backward (mode "overlap", where
// what is timed is the wait left after backward).
import { distEnv } from '../distributed/env.js';
import { ProcessGroup } from '../distributed/group.js';
import { SegModel } from '../models/index.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed, randint, randn, tidy, F, type Tensor } from '../tensor/index.js';

const [model = 'hrnet18-small', steps = '6', h = '128', w = '256', batch = '3', mode = 'overlap'] = process.argv.slice(2);
const env = distEnv();
const group = env ? new ProcessGroup(env, 120_000) : null;
manualSeed(0);
const net = new SegModel(model).train();
const opt = new SGD(net.parameters(), { lr: 1e-3 });
const x = randn([Number(batch), 3, Number(h), Number(w)]);
const y = randint(0, net.classes, [Number(batch), Number(h), Number(w)]);
if (group && mode === 'overlap') group.attachGradients(net.parameters());
let reduceS = 0;
let totalS = 0;
for (let i = 0; i <= Number(steps); i++) {
  const t0 = process.hrtime.bigint();
  tidy(() => {
    const out = net.forward(x);
    F.crossEntropy(F.interpolate(out.main, { size: [Number(h), Number(w)], mode: 'bilinear', alignCorners: true }), y).backward();
  });
  const t1 = process.hrtime.bigint();
  if (group && mode === 'overlap') group.finishGradients();
  else if (group) tidy(() => group.allreduceMean(net.parameters().map((p) => p.grad).filter((g): g is Tensor => g !== null)));
  const t2 = process.hrtime.bigint();
  opt.step();
  opt.zeroGrad();
  const t3 = process.hrtime.bigint();
  if (i > 0) {
    reduceS += Number(t2 - t1) / 1e9;
    totalS += Number(t3 - t0) / 1e9;
  }
}
if (!group || group.isMain) {
  const n = Number(steps);
  const world = group?.worldSize ?? 1;
  process.stdout.write(`${JSON.stringify({ processes: world, allreduce: group ? mode : null, model, batchPerProcess: Number(batch), size: [Number(h), Number(w)], stepS: totalS / n, stepsPerSecond: n / totalS, imagesPerSecond: (n * Number(batch) * world) / totalS, allreduceS: reduceS / n })}\n`);
}
group?.close();
