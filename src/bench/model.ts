// Network speed: eval forward (no grad) and train forward + backward, per
// preset and resolution, on one device; peak memory alongside.
import { SegModel } from '../models/index.js';
import { cuda, memory, noGrad, randn, tidy } from '../tensor/index.js';
import { median } from './report.js';

export interface ModelBenchCase {
  model: string;
  height: number;
  width: number;
  batch: number;
}

export interface ModelBenchResult extends ModelBenchCase {
  device: string;
  parameters: number;
  /** Median seconds per eval-mode forward without autograd. */
  evalForwardS: number;
  /** Median seconds per train-mode forward + backward (loss = sum of main logits). */
  trainStepS: number;
  /** Peak resident set size of the whole process up to the end of this case (host). */
  peakRssBytes: number;
  /** Peak CUDA allocator bytes during the case (CUDA only). */
  peakDeviceBytes?: number;
}

export const DEFAULT_CASES: ModelBenchCase[] = [
  { model: 'hrnet18', height: 256, width: 512, batch: 1 },
  { model: 'hrnet48', height: 256, width: 512, batch: 1 },
  { model: 'hrnet18', height: 512, width: 1024, batch: 1 },
  { model: 'hrnet18-small', height: 128, width: 256, batch: 6 },
];

function seconds(fn: () => void, device: string): number {
  const t0 = process.hrtime.bigint();
  fn();
  if (device.startsWith('cuda')) cuda.synchronize(device);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchModel(c: ModelBenchCase, device = 'cpu', repeats = 3): ModelBenchResult {
  const model = new SegModel(c.model).to(device);
  const x = randn([c.batch, 3, c.height, c.width], { device });
  if (device.startsWith('cuda')) cuda.resetPeakMemoryStats(device);
  model.eval();
  const evalRun = () => tidy(() => void noGrad(() => model.forward(x, { grad: false })));
  evalRun();
  const evalTimes = Array.from({ length: repeats }, () => seconds(evalRun, device));
  model.train();
  const trainRun = () =>
    tidy(() => {
      const out = model.forward(x);
      out.main.sum().backward();
      for (const p of model.parameters()) p.grad = null;
    });
  trainRun();
  const trainTimes = Array.from({ length: repeats }, () => seconds(trainRun, device));
  const result: ModelBenchResult = {
    ...c,
    device,
    parameters: model.numParameters(),
    evalForwardS: median(evalTimes),
    trainStepS: median(trainTimes),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (device.startsWith('cuda')) {
    const index = device.includes(':') ? device : 'cuda:0';
    result.peakDeviceBytes = memory().cuda.find((d) => d.device === index)?.peakAllocated;
  }
  x.dispose();
  return result;
}

export function benchModels(device = 'cpu', cases = DEFAULT_CASES): ModelBenchResult[] {
  return cases.map((c) => benchModel(c, device));
}
