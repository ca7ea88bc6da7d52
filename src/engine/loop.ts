// The one training loop every training stage runs (warm-up, self-training, the translator):
// steps from where the run stands to its last, each one's terms logged on log steps with the
// seconds a step took and the peak memory, its sample grid on picture steps, a stop asked for
// by a signal or --stop-at agreed between ranks and saved, and the stage's own checkpoints and
// evaluations at their steps. What a step computes and what a save holds are the stage's.
import type { RunConfig } from '../config/schema.js';
import type { ChannelOrder } from '../data/normalise.js';
import type { ProcessGroup } from '../distributed/group.js';
import { dispose, type Tensor } from '../tensor/index.js';
import { stopRequested } from './agreement.js';
import { writeGrid, type GridColumn } from './pictures.js';
import { describeRun, peakMemory, readBack } from './run/describe.js';
import { InterruptFlag } from './run/interrupt.js';
import { Progress } from './run/progress.js';
import type { RunLog } from './run/run-log.js';
import { NonEssential } from './run/warn-once.js';

/** Whether the step that ends at `n` steps done (1-based) is a log step. */
export const isLogIteration = (logEvery: number, steps: number, n: number): boolean => n % logEvery === 0 || n === steps;

/** What one step leaves for the loop. */
export interface LoopStepOutput {
  /** Named scalar terms, read back and logged on log steps. */
  terms: Record<string, Tensor>;
  /** Figures beside the terms (scalars or per-class vectors), made only on log steps. */
  stats?: Record<string, Tensor>;
  /** The sample grid's columns, on picture steps. */
  pictures?: () => GridColumn[];
  /** Frees what the step kept (terms, stats, the grid's tensors). */
  dispose(): void;
}

export interface LoopSpec {
  /** As logged and shown: 'warm-up', 'translate', ... */
  stage: string;
  cfg: RunConfig;
  /** Steps in all, and the steps already done (a resumed run). */
  steps: number;
  start: number;
  log: RunLog;
  group: ProcessGroup | null;
  isMain: boolean;
  inputOrder: ChannelOrder;
  /** Fields the start record adds to the run's description. */
  startFields?: Record<string, unknown>;
  /** Before the first step, after the start record (a resumed run's pending evaluation). */
  begin?(progress: Progress): Promise<void>;
  /** The learning rate step `iter` (0-based) trains at, logged with it. */
  lr(iter: number): number;
  step(iter: number): Promise<LoopStepOutput>;
  /** Whether step `iter` (0-based) writes a sample grid. */
  isPictureStep(iter: number): boolean;
  /** After step n (1-based), before the stop vote: an evaluation where due; true when it saved the state. */
  afterStep?(n: number, progress: Progress): Promise<boolean>;
  /** Whether the state is saved after step n. */
  checkpointDue(n: number): boolean;
  /** Saves the training state at the current step (every rank takes part; rank 0 writes). */
  save(): void;
  /** Where the state is saved, for the stop message. */
  statePath: string;
  onStep?: (n: number) => void;
}

export interface LoopResult {
  /** Steps done when the loop ended. */
  iteration: number;
  /** Stopped before the last step with the state saved: by a signal or by --stop-at. */
  interrupted: boolean;
  stoppedAt: boolean;
  /** From the start record to the end of the last step. */
  seconds: number;
}

/** Runs `spec` from its start to its last step (or a stop); writes the start, step and end records. */
export async function runLoop(spec: LoopSpec): Promise<LoopResult> {
  const { cfg, log, stage } = spec;
  const started = performance.now();
  log.write({ kind: 'start', stage, iteration: spec.start, steps: spec.steps, model: cfg.model, device: cfg.device, amp: cfg.amp, ...describeRun(cfg), ranks: spec.group?.worldSize ?? 1, genImgDir: cfg.genImgDir, ...spec.startFields });
  const optional = new NonEssential();
  const interrupt = new InterruptFlag();
  const progress = new Progress({ title: stage, total: spec.steps, start: spec.start, enabled: spec.isMain });
  // Seconds spent in steps since the last log step (evaluation, checkpoints and pictures left out).
  let busy = 0;
  let busySteps = 0;
  let iteration = spec.start;
  let interrupted = false;
  let stoppedAt = false;
  try {
    await spec.begin?.(progress);
    while (iteration < spec.steps) {
      const iter = iteration;
      const stepStarted = performance.now();
      const lr = spec.lr(iter);
      const out = await spec.step(iter);
      iteration = iter + 1;
      const n = iteration;
      try {
        if (isLogIteration(cfg.logEvery, spec.steps, n)) {
          const terms = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, t.item()]));
          const stats = out.stats && Object.fromEntries(Object.entries(out.stats).map(([k, t]) => [k, readBack(t)]));
          // The read-backs above waited for the device, so the window's time is its steps' time.
          busy += (performance.now() - stepStarted) / 1000;
          busySteps += 1;
          log.write({ kind: 'step', stage, iteration: n, lr, terms, ...(stats && { stats }), secondsPerStep: busy / busySteps, memory: peakMemory(cfg.device) });
          busy = 0;
          busySteps = 0;
          progress.update(n, terms, true);
        } else {
          progress.update(n);
          busy += (performance.now() - stepStarted) / 1000;
          busySteps += 1;
        }
        if (out.pictures && spec.isPictureStep(iter) && spec.isMain) {
          const columns = out.pictures();
          await optional.write('sample grids', async () => {
            const file = await writeGrid(cfg.genImgDir, `${stage}-${String(n).padStart(6, '0')}`, columns, Math.min(2, columns[0].image.shape[0]), spec.inputOrder);
            log.write({ kind: 'samples', stage, iteration: n, file });
          });
          dispose(columns);
        }
      } finally {
        out.dispose();
      }
      spec.onStep?.(n);
      const saved = (await spec.afterStep?.(n, progress)) ?? false;
      const signalled = stopRequested(spec.group, interrupt.requested);
      if (signalled || (n === cfg.stopAt && n < spec.steps)) {
        interrupted = true;
        stoppedAt = !signalled;
        spec.save();
        const why = signalled ? 'interrupted' : 'stopped as --stop-at asked';
        progress.log(`[${stage}] ${why} at step ${n}; state saved to ${spec.statePath} (continue with --resume)`);
        break;
      }
      if (spec.checkpointDue(n) && !saved) spec.save();
    }
  } catch (err) {
    log.close();
    throw err;
  } finally {
    progress.stop();
    interrupt.dispose();
  }
  return { iteration, interrupted, stoppedAt, seconds: (performance.now() - started) / 1000 };
}
