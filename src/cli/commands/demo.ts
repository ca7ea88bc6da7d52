// `diga demo`: the built-in default job. Until the training stages land it is
// a smoke job: report the runtime, then fit a small classifier with autograd
// and SGD on generated data, showing the loss fall and tensors not leaking.
import type { Command } from 'commander';
import { arange, F, manualSeed, memory, noGrad, randn, tensor, tidy, zeros } from '../../tensor/index.js';
import { formatInfo, infoReport } from './info.js';

export interface SmokeResult {
  initialLoss: number;
  finalLoss: number;
  accuracy: number;
  liveTensorsBefore: number;
  liveTensorsAfter: number;
}

/** Softmax regression on three Gaussian blobs; returns losses and accuracy. */
export function runSmokeJob(steps = 200, log: (line: string) => void = () => {}): SmokeResult {
  manualSeed(0);
  const n = 300;
  const centres = [[2, 0], [-1, 1.7], [-1, -1.7]];
  // 100 points around each of three centres.
  const { x, y } = tidy(() => {
    const labels = arange(0, n).div(n / 3, 'floor').long();
    const points = randn([n, 2]).mul(0.6).add(tensor(centres).indexSelect(0, labels));
    return { x: points, y: labels };
  });
  const w = zeros([2, 3], { requiresGrad: true });
  const b = zeros([3], { requiresGrad: true });
  const before = memory().numTensors;
  let initialLoss = Number.NaN;
  let finalLoss = Number.NaN;
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      const l = F.crossEntropy(x.matmul(w).add(b), y);
      l.backward();
      return l.item();
    });
    noGrad(() => {
      for (const p of [w, b]) {
        using g = p.grad!;
        p.sub_(g, 0.5);
        g.zero_();
      }
    });
    if (step === 0) initialLoss = loss;
    finalLoss = loss;
    if (step % 50 === 0 || step === steps - 1) log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}`);
  }
  const accuracy = tidy(() => x.matmul(w).add(b).argmax(1).eq(y).float().mean().item());
  const after = memory().numTensors;
  for (const t of [x, y, w, b]) t.dispose();
  return { initialLoss, finalLoss, accuracy, liveTensorsBefore: before, liveTensorsAfter: after };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the built-in default job on generated data')
    .option('--steps <n>', 'training steps', (v) => Number.parseInt(v, 10), 200)
    .action((opts: { steps: number }) => {
      const out = (s: string) => process.stdout.write(`${s}\n`);
      out(formatInfo(infoReport()));
      out('');
      const r = runSmokeJob(opts.steps, out);
      out(`accuracy ${(r.accuracy * 100).toFixed(1)}%  live tensors ${r.liveTensorsBefore} -> ${r.liveTensorsAfter}`);
    });
}
