// What every stage sets up first and closes last, in one place: the device (with
// `--amp auto` settled for training or for labels), threads and seeds, the process
// group of a data-parallel run, the datasets, the models it makes, and the output
// folders it locks.
// `runStage` closes all of it whatever the stage body does, failures included.
import { dirname } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import type { ProcessGroup } from '../distributed/group.js';
import type { ChannelOrder } from '../data/normalise.js';
import { resolveAmp, type AmpUse } from '../inference/forward.js';
import { openSourceDataset, type SourceDataset } from '../data/source/index.js';
import { labelSet, type LabelSet } from '../labels/index.js';
import { resolveModel, type SegModel } from '../models/index.js';
import { openDataset, type DatasetRole } from './datasets.js';
import { FolderLock } from './run/folder-lock.js';
import { dataProblem, warnOnce } from './run/warn-once.js';
import { sameFolder } from './run/outputs.js';
import { createModel, joinProcessGroup, prepareRuntime, rankDevice } from './runtime.js';

export interface StageHooks {
  /** Lines meant for a person (stage summaries, evaluation tables). */
  say?: (line: string) => void;
  /** Called after each training step with the number of steps done. */
  onStep?: (iteration: number) => void;
  /** Called on rank 0 after each evaluation of a training stage (default: refresh the run report). */
  onEvaluated?: () => void | Promise<void>;
}

export class StageContext {
  readonly #models: SegModel[] = [];
  readonly #owned: { dispose(): void }[] = [];
  readonly #locks: FolderLock[] = [];

  private constructor(
    /** The run's config for this rank: its device, `--amp` settled for what the stage does. */
    readonly cfg: RunConfig,
    /** The same with `--amp` settled for labels: what a training stage evaluates with. */
    readonly labelCfg: RunConfig,
    readonly group: ProcessGroup | null,
    /** The classes the run's datasets and networks share. */
    readonly labels: LabelSet,
  ) {}

  static open(config: RunConfig, use: AmpUse): StageContext {
    const labels = labelSet(config.labels);
    const cfg = rankDevice(config, use);
    prepareRuntime(cfg);
    // Settled from the requested --amp: an `auto` that trains in bf16 still evaluates in float32.
    const labelCfg = { ...cfg, amp: resolveAmp(config.amp, cfg.device, 'labels') };
    return new StageContext(cfg, labelCfg, joinProcessGroup(cfg), labels);
  }

  /** Rank 0, or the only process: the one that writes. */
  get isMain(): boolean {
    return !this.group || this.group.isMain;
  }

  dataset(role: DatasetRole, options?: Parameters<typeof openDataset>[2]): Promise<CityscapesDataset> {
    return openDataset(this.cfg, role, options);
  }

  /** The channel order the run's network takes its normalised input in (DeepLabV2: BGR). */
  get inputOrder(): ChannelOrder {
    return resolveModel(this.cfg.model).family.inputOrder;
  }

  /**
   * The labelled synthetic source of domain adaptation (GTA5 or SYNTHIA), its files checked.
   * Without a list file every image of its folder is used, which the stage is told.
   */
  async sourceDataset(say?: (line: string) => void): Promise<SourceDataset> {
    const { cfg } = this;
    if (!cfg.source) throw new Error('this run has no adaptation source; give --gta5-data-path or --synthia-data-path (or --preset gta5 / synthia)');
    // Warnings about the data come from rank 0 alone.
    const warn = this.isMain ? (m: string) => process.stderr.write(`diga: ${m}\n`) : () => {};
    const ds = await openSourceDataset(cfg.source, { root: cfg.sourceDataPath, list: cfg.dataListPathSource ?? undefined, labels: this.labels, warn });
    if (ds.repeats) dataProblem(ds.repeats, cfg.strict, this.isMain ? warnOnce : () => {});
    // The published GTA5 runs read a list of 18 111 of the 24 966 images, which cannot ship here.
    const hint = cfg.source === 'gta5' ? ' (the published runs read gta5_list/train_modified.txt, 18 111 of them: give it with --data-list-path-gta5)' : '';
    if (ds.note && this.isMain) say?.(`${ds.note}${hint}`);
    await ds.validate();
    return ds;
  }

  /** A network of the run's preset on its device; disposed when the stage closes (if not before). */
  model(): SegModel {
    const model = createModel(this.cfg);
    this.#models.push(model);
    if (model.classes !== this.labels.classes) {
      throw new Error(`--model ${this.cfg.model} predicts ${model.classes} classes, but the label set ${this.labels.name} has ${this.labels.classes}`);
    }
    return model;
  }

  /** Frees `thing` when the stage closes (a frozen translator, say); returns it. */
  own<T extends { dispose(): void }>(thing: T): T {
    this.#owned.push(thing);
    return thing;
  }

  /** Takes `dir` for this run until the stage closes (rank 0 only: the ranks share its lock); once per folder. */
  lock(dir: string): void {
    if (!this.isMain || this.#locks.some((l) => sameFolder(dirname(l.file), dir))) return;
    this.#locks.push(FolderLock.acquire(dir));
  }

  close(): void {
    for (const lock of this.#locks.splice(0)) lock.release();
    for (const model of this.#models.splice(0)) model.dispose();
    for (const thing of this.#owned.splice(0)) thing.dispose();
    this.group?.close();
  }
}

/**
 * Runs a stage's body in its context and closes the context afterwards, whatever happens.
 * `use`: what `--amp auto` settles for in `ctx.cfg`; labels unless the stage trains, so that a
 * stage which forgets to say so is at worst slower, never scored in bf16.
 */
export async function runStage<T>(config: RunConfig, body: (ctx: StageContext) => Promise<T>, use: AmpUse = 'labels'): Promise<T> {
  const ctx = StageContext.open(config, use);
  try {
    return await body(ctx);
  } finally {
    ctx.close();
  }
}
