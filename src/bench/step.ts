// The warm-up training step through diga's TypeScript API, on a prepared
// batch (no loader, fixed augmented view), against the same step written in
// C++ (native/tools/warmup_step.cc) when that tool is built:
//   cmake -S . -B build-tools -DDIGA_BUILD_TOOLS=ON && cmake --build build-tools --target warmup_step
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mainAuxDistillation } from '../losses/distillation.js';
import { mainAuxLoss } from '../losses/segmentation.js';
import { auxOf, SegModel } from '../models/index.js';
import { packageRoot } from '../native/binding.js';
import { EmaTeacher } from '../optim/ema.js';
import { SGD } from '../optim/sgd.js';
import { median } from './report.js';
import { cat, cuda, manualSeed, noGrad, randint, randn, tidy } from '../tensor/index.js';

export interface StepBenchResult {
  preset: string;
  height: number;
  width: number;
  device: string;
  /** Median seconds per warm-up step through the TypeScript API. */
  oursS: number;
  /** The same step in C++, when the tool is built. */
  cppS?: number;
  ratio?: number;
}

export function benchWarmupStep(preset: string, height: number, width: number, steps = 5, device = 'cpu'): StepBenchResult {
  manualSeed(0);
  const student = new SegModel(preset).to(device).train();
  const teacher = new SegModel(preset).to(device).train();
  const x = randn([3, 3, height, width], { device });
  const aug = x.mul(1.4).sub(0.4);
  const unlabelled = randn([3, 3, height, width], { device });
  const labels = randint(0, student.classes, [3, height, width], { device });
  const sync = () => device.startsWith('cuda') && cuda.synchronize(device);
  const opt = new SGD(student.parameters(), { lr: 1e-3 });
  const ema = new EmaTeacher(teacher.parameters(), student.parameters());
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = process.hrtime.bigint();
    ema.update(i);
    const loss = tidy(() => {
      const input = cat([x, aug]);
      const s = student.forward(input);
      // The published step's unlabelled pass: training-mode student, no grad (moves BatchNorm statistics).
      noGrad(() => student.forward(unlabelled, { grad: false }));
      const t = noGrad(() => teacher.forward(input, { grad: false }));
      const seg = mainAuxLoss({ main: s.main.narrow(0, 0, 3), aux: auxOf(s).narrow(0, 0, 3) }, labels);
      const kd = mainAuxDistillation({ main: t.main, aux: auxOf(t) }, { main: s.main, aux: auxOf(s) }, [height, width]);
      return seg.add(kd.mul(0.5));
    });
    loss.backward();
    loss.dispose();
    opt.step();
    opt.zeroGrad();
    sync();
    if (i > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const result: StepBenchResult = { preset, height, width, device, oursS: median(times) };
  opt.dispose();
  student.dispose();
  teacher.dispose();
  const tool = process.env.DIGA_WARMUP_TOOL ?? join(packageRoot, 'build-tools', 'warmup_step');
  if (existsSync(tool)) {
    const out = JSON.parse(execFileSync(tool, [preset, String(height), String(width), String(steps), device], { encoding: 'utf8' })) as { stepS: number };
    result.cppS = out.stepS;
    result.ratio = result.oursS / out.stepS;
  }
  return result;
}

/** CPU-sized cases; on CUDA the paper's configuration (W48, 3 + 3 at 512×1024). */
export function benchSteps(device = 'cpu'): StepBenchResult[] {
  if (device.startsWith('cuda')) return [benchWarmupStep('hrnet48', 512, 1024, 10, device)];
  return [benchWarmupStep('hrnet18-small', 128, 256), benchWarmupStep('hrnet18', 256, 512, 3)];
}
