// Stage 5, evaluation (docs/method.md §5.5, §6): load weights, evaluate on val with
// multi-scale max fusion, report per-class IoU and the summary scores.
import { dirname } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import type { RunConfig } from '../config/schema.js';
import { runStage } from '../engine/context.js';
import { evaluateModel, type EvaluationResult } from '../inference/validation.js';
import { Progress } from '../engine/run/progress.js';
import { loadWeights, type WeightRole } from '../models/weights.js';
import { checkOutputFile, makeOutputFolder } from '../paths/index.js';
import { inputFolders } from '../engine/run/run-folders.js';

export interface EvaluateOptions {
  weightDir?: string;
  role?: WeightRole;
  json?: string;
  /** An existing --json file (a .json) may be replaced. */
  overwrite?: boolean;
}

/** The JSON written by `diga evaluate --json`. */
export function evaluationJson(r: EvaluationResult): Record<string, unknown> {
  return { miou: r.miou, iou: r.iou, overall_acc: r.overallAcc, mean_acc: r.meanAcc, fwavacc: r.fwavacc, images: r.images };
}

export async function runEvaluate(config: RunConfig, options: EvaluateOptions = {}): Promise<EvaluationResult & { weights: string }> {
  // The --json file is checked before a single image is scored: only a .json is ever replaced
  // (never the weights or a list), and never inside the dataset.
  if (options.json !== undefined) {
    checkOutputFile(options.json, { what: '--json', kinds: ['.json'], overwrite: options.overwrite === true, inputs: inputFolders(config) });
  }
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const val = await ctx.dataset('val');
    const model = ctx.model();
    const weights = loadWeights(options.weightDir ?? cfg.loadWeightDir, options.role ?? 'student', model, { modelName: cfg.model });
    const total = cfg.evalLimit > 0 ? Math.min(cfg.evalLimit, val.entries.length) : val.entries.length;
    const progress = new Progress({ title: 'evaluate', total, enabled: ctx.isMain });
    let r: EvaluationResult;
    try {
      r = await evaluateModel(model, val, cfg, (done) => progress.update(done), group);
    } finally {
      progress.stop();
    }
    if (options.json && ctx.isMain) {
      makeOutputFolder(dirname(options.json), '--json');
      writeFileAtomic(options.json, [Buffer.from(`${JSON.stringify(evaluationJson(r), null, 2)}\n`)]);
    }
    return { ...r, weights };
  });
}
