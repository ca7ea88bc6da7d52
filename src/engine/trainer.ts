// The training loop shared by warm-up and self-training: learning-rate
// schedule, EMA teacher, logging, evaluation with best-model keeping,
// periodic full-state checkpoints, resume and Ctrl-C. A stage supplies only
// its step (batches → loss terms).
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import type { TwoScaleLoader } from '../data/loader.js';
import type { ProcessGroup } from '../distributed/group.js';
import type { EvaluationResult } from '../inference/validation.js';
import { labelSet } from '../labels/index.js';
import { formatIouTable } from '../metrics/table.js';
import type { SegModel } from '../models/index.js';
import { EmaTeacher } from '../optim/ema.js';
import { GradScaler } from '../optim/grad-scaler.js';
import { scheduledLr, type LrScheduleName } from '../optim/schedule.js';
import { SGD, sgdGroups } from '../optim/sgd.js';
import { dispose, getRngState, noGrad, setRngState, type Tensor } from '../tensor/index.js';
import { checkReplicas } from './agreement.js';
import { BestWeights } from './best-weights.js';
import { isLogIteration, runLoop } from './loop.js';
import { isPictureStep, tensorsOf, type GridColumn, type PictureTensors } from './pictures.js';
import { writeCurves } from './run/curves.js';
import { prepareFreshRun, removeStaleTemps } from './run/outputs.js';
import { tensorboardFor } from './run/tensorboard-sink.js';
import { Progress } from './run/progress.js';
import { RunLog } from './run/run-log.js';
import { NonEssential } from './run/warn-once.js';
import { peakMemory } from './run/describe.js';
import { addGroup, group, loadTrainState, readResumeRecord, saveTrainState, statePath, type TrainStateRecord } from './train-state.js';

export interface StepOutput {
  /** The total loss to minimise (scalar). */
  loss: Tensor;
  /** Named scalar terms to log (read back only at log steps). */
  terms: Record<string, Tensor>;
  /** Builds the sample grid columns; called only on picture steps. */
  pictures?: () => GridColumn[];
  /** Tensors the pictures need; disposed with the step output. */
  keep?: Tensor[];
  /**
   * Figures for the run log beside the loss terms (scalars or per-class vectors), made only on
   * log steps (isLogStep) and read back there with the terms.
   */
  stats?: Record<string, Tensor>;
}

/** Whether step `iter` (0-based) ends on a log step, where the terms are read back and logged. */
export function isLogStep(cfg: Pick<RunConfig, 'logEvery' | 'steps'>, iter: number): boolean {
  return isLogIteration(cfg.logEvery, cfg.steps, iter + 1);
}

/**
 * A step's output from its loss, its terms and, on the steps that write a grid, the tensors the
 * grid shows (`shown`, freed with the output) with how they make the grid's columns.
 */
export function stepOutput<P extends PictureTensors>(
  out: { loss: Tensor; terms: Record<string, Tensor>; shown?: P; stats?: Record<string, Tensor> },
  columns: (shown: P) => GridColumn[],
): StepOutput {
  const shown = out.shown;
  return { loss: out.loss, terms: out.terms, stats: out.stats, keep: shown && tensorsOf(shown), pictures: shown && (() => columns(shown)) };
}

/** Extra tensors a stage keeps in its training state (e.g. the centroids). */
export interface ExtraState {
  save(): Map<string, Tensor>;
  load(tensors: Map<string, Tensor>): void;
}

export interface TrainerSetup {
  stage: 'warm-up' | 'self-train';
  cfg: RunConfig;
  student: SegModel;
  teacher: SegModel;
  /** Where best weights, the training state and logs go. */
  saveDir: string;
  loaders: Record<string, TwoScaleLoader>;
  extra?: ExtraState;
  step: (iter: number) => Promise<StepOutput>;
  evaluate: () => Promise<EvaluationResult>;
  /** Receives every log line meant for a person. */
  say?: (line: string) => void;
  /** Called after each finished step with the count of steps done. */
  onStep?: (iteration: number) => void;
  /** Data-parallel training: gradients averaged over ranks, rank 0 writes. */
  group?: ProcessGroup | null;
  /** The run started from weights in saveDir itself (they are kept aside, not refused). */
  startsFromSameFolder?: boolean;
  /** Images one step reads on this rank, over all its loaders (for images/s in the log). */
  imagesPerStep?: number;
  /** Called on rank 0 after each evaluation is logged (the stages refresh the run report). */
  onEvaluated?: () => void | Promise<void>;
  /** The learning-rate schedule over the stage's steps (default poly, power lrPower). */
  lrSchedule?: LrScheduleName;
  /** Extra files kept beside the best weights each time they improve (the adaptation's translator). */
  onBest?: (dir: string) => void;
}

export interface TrainResult {
  iterations: number;
  bestMiou: number | null;
  bestIteration: number | null;
  lastEvaluation: EvaluationResult | null;
  /** Stopped before the last step, state saved: by a signal, or by --stop-at (`stoppedAt`). */
  interrupted: boolean;
  stoppedAt: boolean;
  statePath: string;
}

/**
 * SGD over the student's optimiser groups. A network with one group at the base rate (HRNet +
 * OCR) gets the plain parameter list, as before groups existed, so saved states keep their
 * buffer order; DeepLabV2's backbone and 10× head are two groups, with the published listing
 * counts stepped as `sgdRepeats` says.
 */
export function createOptimizer(student: SegModel, cfg: RunConfig): SGD {
  const options = { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay, repeats: cfg.sgdRepeats };
  const groups = student.parameterGroups();
  const names = groups.flatMap((g) => [...g.params.keys()]);
  const plain = groups.length === 1 && groups[0].lrScale === 1 && names.every((n) => student.publishedListings(n) === 1);
  if (plain) return new SGD(student.parameters(), options);
  return new SGD(sgdGroups(groups, (n) => student.publishedListings(n)), options);
}

export class Trainer {
  readonly #s: TrainerSetup;
  readonly optimizer: SGD;
  readonly ema: EmaTeacher;
  /** Loss scaling for --amp fp16 (float16 gradients underflow without it). */
  readonly scaler: GradScaler | null;
  #iteration = 0;
  #reducing = false;
  readonly #best: BestWeights;
  /** A resumed state saved just before an evaluation that did not finish. */
  #evalPending = false;
  readonly #optional = new NonEssential();
  /** The open run log while run() is in progress (replica checks are logged from #saveState). */
  #log: RunLog | null = null;

  constructor(setup: TrainerSetup) {
    this.#s = setup;
    const { cfg, student, teacher } = setup;
    this.optimizer = createOptimizer(student, cfg);
    this.ema = new EmaTeacher(teacher.parameters(), student.parameters(), { maxAlpha: cfg.emaMax });
    this.scaler = cfg.amp === 'fp16' ? new GradScaler() : null;
    this.#best = new BestWeights(setup.saveDir, setup.stage, cfg.saveFormat, !setup.group || setup.group.isMain);
  }

  get #isMain(): boolean {
    return !this.#s.group || this.#s.group.isMain;
  }

  /** Fresh start: the teacher's parameters are copied from the student (docs/method.md §4). */
  start(): void {
    // Every rank starts from rank 0's weights.
    this.#s.group?.broadcast([...this.#s.student.stateDict().values()]);
    this.ema.copyFromStudent();
    this.#iteration = 0;
  }

  /** Restores models, optimiser, extra state and counters from the saved training state. */
  resume(): TrainStateRecord {
    const st = loadTrainState(statePath(this.#s.saveDir));
    if (st.record.stage !== this.#s.stage) {
      throw new Error(`${statePath(this.#s.saveDir)} holds a ${st.record.stage} state, not ${this.#s.stage}`);
    }
    this.#s.student.loadStateDict(group(st.tensors, 'student'));
    this.#s.teacher.loadStateDict(group(st.tensors, 'teacher'));
    const momentum = group(st.tensors, 'optim.momentum');
    this.optimizer.loadStateDict({
      step: st.record.optimizer.step,
      lr: this.#s.cfg.lr,
      momentumBuffers: st.record.optimizer.momentumPresent.map((p, i) => (p ? momentum.get(String(i))! : null)),
    });
    this.#s.extra?.load(group(st.tensors, 'extra'));
    if (this.scaler && st.record.gradScaler) this.scaler.loadStateDict(st.record.gradScaler);
    const cpuRng = st.tensors.get('rng.cpu');
    if (cpuRng) setRngState(cpuRng, 'cpu');
    const deviceRng = st.tensors.get('rng.device');
    if (deviceRng && this.#s.cfg.device !== 'cpu') setRngState(deviceRng, this.#s.cfg.device);
    this.#iteration = st.record.iteration;
    this.#best.restore(st.record.bestMiou, st.record.bestIteration);
    this.#evalPending = st.record.evalPending;
    dispose([...st.tensors.values()]);
    return st.record;
  }

  /** `evalPending`: saved just before an evaluation; a resume from it evaluates first. */
  #saveState(evalPending = false): void {
    const { student, teacher, saveDir, loaders, extra, cfg, stage } = this.#s;
    const tensors = new Map<string, Tensor>();
    addGroup(tensors, 'student', student.stateDict());
    addGroup(tensors, 'teacher', teacher.stateDict());
    const opt = this.optimizer.stateDict();
    const buffers = opt.momentumBuffers;
    buffers.forEach((b, i) => b && tensors.set(`optim.momentum.${i}`, b));
    // The default generators drive dropout: a resumed run must draw what an uninterrupted one would.
    tensors.set('rng.cpu', getRngState('cpu'));
    if (cfg.device !== 'cpu') tensors.set('rng.device', getRngState(cfg.device));
    const extraTensors = extra?.save();
    if (extraTensors) addGroup(tensors, 'extra', extraTensors);
    // Each rank has its own data streams; all of them go into the one state file.
    const own = Object.fromEntries(Object.entries(loaders).map(([name, loader]) => [name, loader.samplerState()]));
    const everyRank = this.#s.group ? this.#s.group.allgatherJson(own) : [own];
    if (this.#s.group) {
      const checked = [...student.parameters(), ...teacher.parameters(), ...(extraTensors?.values() ?? [])];
      checkReplicas(this.#s.group, checked);
      // Only a passing check comes back here; a failing one throws on every rank.
      this.#log?.write({ kind: 'replicas', stage, iteration: this.#iteration, ranks: this.#s.group.worldSize, tensors: checked.length, identical: true });
    }
    if (!this.#isMain) {
      dispose(buffers);
      dispose([tensors.get('rng.cpu'), tensors.get('rng.device')]);
      if (extraTensors) dispose([...extraTensors.values()]);
      return;
    }
    saveTrainState(statePath(saveDir), {
      record: {
        stage,
        iteration: this.#iteration,
        bestMiou: this.#best.miou,
        bestIteration: this.#best.iteration,
        optimizer: { step: opt.step, momentumPresent: buffers.map((b) => b !== null) },
        gradScaler: this.scaler?.stateDict() ?? null,
        evalPending,
        loaders: everyRank,
        config: cfg as unknown as Record<string, unknown>,
        version: 1,
      },
      tensors,
    });
    dispose(buffers);
    dispose([tensors.get('rng.cpu'), tensors.get('rng.device')]);
    if (extraTensors) dispose([...extraTensors.values()]);
  }

  async #evaluate(log: RunLog, progress: Progress): Promise<EvaluationResult> {
    const { student, teacher, stage } = this.#s;
    const r = await this.#s.evaluate();
    const improved = this.#best.offer(r.miou ?? 0, this.#iteration, student, teacher);
    if (improved && this.#isMain) this.#s.onBest?.(this.#s.saveDir);
    if (!this.#isMain) return r;
    log.write({
      kind: 'eval', stage, iteration: this.#iteration, miou: r.miou, iou: r.iou, support: r.support,
      overallAcc: r.overallAcc, meanAcc: r.meanAcc, fwavacc: r.fwavacc, best: improved, seconds: r.seconds,
    });
    progress.log(`[${stage}] step ${this.#iteration}: val mIoU ${((r.miou ?? 0) * 100).toFixed(2)}${improved ? ' (best so far, weights saved)' : ''}`);
    await this.#optional.write('the loss and mIoU curves', () => writeCurves(log.path, stage, this.#s.cfg.logDir));
    const onEvaluated = this.#s.onEvaluated;
    if (onEvaluated) await this.#optional.write('the run report', async () => onEvaluated());
    return r;
  }

  #averageGradients(): void {
    const group = this.#s.group;
    if (!group) return;
    group.finishGradients();
  }

  /** Runs from the current iteration to cfg.steps, in the shared loop (loop.ts). */
  async run(): Promise<TrainResult> {
    const { cfg, stage, student, teacher } = this.#s;
    const logPath = join(cfg.logDir, `${stage}.jsonl`);
    const log = new RunLog(logPath, { append: this.#iteration > 0, enabled: this.#isMain, say: this.#s.say, tensorboard: tensorboardFor(logPath, cfg) });
    this.#log = log;
    let last: EvaluationResult | null = null;
    student.train();
    teacher.train(); // the published code runs the teacher in training mode under no-grad
    if (this.#s.group && !this.#reducing) {
      // Gradients are averaged during backward (the first step learns the graph, see ProcessGroup.attachGradients).
      // The parameters SGD steps: frozen ones (DeepLabV2's BatchNorm affine) get no gradient to reduce.
      this.#s.group.attachGradients([...this.optimizer.params]);
      this.#reducing = true;
    }
    const r = await runLoop({
      stage,
      cfg,
      steps: cfg.steps,
      start: this.#iteration,
      log,
      group: this.#s.group ?? null,
      isMain: this.#isMain,
      inputOrder: student.family.inputOrder,
      startFields: { imagesPerStep: this.#s.imagesPerStep ?? null },
      begin: async (progress) => {
        if (!this.#evalPending) return;
        // The saved state was written just before an evaluation that did not finish.
        last = await this.#evaluate(log, progress);
        this.#saveState();
        this.#evalPending = false;
      },
      lr: (iter) => scheduledLr(this.#s.lrSchedule ?? 'poly', cfg.lr, iter, cfg.steps, cfg.lrPower),
      step: async (iter) => {
        noGrad(() => this.ema.update(iter));
        this.optimizer.setLr(scheduledLr(this.#s.lrSchedule ?? 'poly', cfg.lr, iter, cfg.steps, cfg.lrPower));
        const out = await this.#s.step(iter);
        if (this.scaler) {
          using scaled = this.scaler.scaleLoss(out.loss);
          scaled.backward();
          this.#averageGradients();
          this.scaler.step(this.optimizer, student.parameters());
        } else {
          out.loss.backward();
          this.#averageGradients();
          this.optimizer.step();
        }
        this.optimizer.zeroGrad();
        this.#iteration = iter + 1;
        return { terms: out.terms, stats: out.stats, pictures: out.pictures, dispose: () => dispose(out) };
      },
      isPictureStep: (iter) => isPictureStep(cfg, iter),
      afterStep: async (n, progress) => {
        if (n % cfg.evalEvery !== 0 && n !== cfg.steps) return false;
        // The steps are saved before evaluation reads val, and again with its result.
        this.#saveState(true);
        last = await this.#evaluate(log, progress);
        this.#saveState();
        return true;
      },
      checkpointDue: (n) => n % cfg.checkpointEvery === 0 || n === cfg.steps,
      save: () => this.#saveState(),
      statePath: statePath(this.#s.saveDir),
      onStep: this.#s.onStep,
    });
    const lastEvaluation = last as EvaluationResult | null;
    if (lastEvaluation && !r.interrupted && this.#isMain) this.#s.say?.(formatIouTable(lastEvaluation, labelSet(cfg.labels)));
    log.write({
      kind: 'end', stage, iteration: this.#iteration, bestMiou: this.#best.miou, bestIteration: this.#best.iteration, interrupted: r.interrupted,
      seconds: r.seconds, memory: peakMemory(cfg.device),
    });
    log.close();
    this.#log = null;
    return {
      iterations: this.#iteration,
      bestMiou: this.#best.miou,
      bestIteration: this.#best.iteration,
      lastEvaluation,
      interrupted: r.interrupted,
      stoppedAt: r.stoppedAt,
      statePath: statePath(this.#s.saveDir),
    };
  }

  /**
   * Resumes from the saved state or, for a fresh run, checks that the folder holds no other
   * run's results; runs to the last step. The caller holds the folders' locks (StageContext.lock).
   */
  async runFrom(resume: boolean): Promise<TrainResult> {
    const { cfg, saveDir, stage } = this.#s;
    if (this.#isMain) removeStaleTemps(saveDir);
    if (resume) {
      const at = readResumeRecord(saveDir).iteration;
      if (at >= cfg.steps) {
        throw new Error(`the ${stage} run in ${saveDir} is already at step ${at} (--steps ${cfg.steps}); give a larger --steps to train further`);
      }
      this.resume();
    } else {
      if (this.#isMain) prepareFreshRun({ dir: saveDir, overwrite: cfg.overwrite, startsFromSameFolder: this.#s.startsFromSameFolder, say: this.#s.say });
      this.start();
    }
    return this.run();
  }

  /** Frees what the stage trained with: optimiser state, both networks, the loaders. */
  async close(): Promise<void> {
    if (this.#reducing) this.#s.group?.detachGradients();
    this.optimizer.dispose();
    this.#s.student.dispose();
    this.#s.teacher.dispose();
    await Promise.all(Object.values(this.#s.loaders).map((l) => l.close()));
  }
}

