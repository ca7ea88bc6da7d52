// All five stages in order, with the refined rounds: warm-up → pseudo-labels
// → centroids → self-training → (pseudo-labels from the self-trained student
// → self-training again) × refineRounds → evaluation.
import { join } from 'node:path';
import { pseudoLabelDir } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { runCentroids } from './centroids.js';
import { runEvaluate } from './evaluate.js';
import { runPseudoLabel } from './pseudo-label.js';
import { runSelfTrain } from './self-train.js';
import { runFilesIn } from '../engine/run/outputs.js';
import type { StageHooks } from '../engine/context.js';
import { runWarmUp } from './warm-up.js';

export interface PipelineResult {
  warmUpMiou: number | null;
  selfTrainMiou: Array<number | null>;
  finalMiou: number | null;
  finalWeights: string;
  pseudoLabelMiou: Array<number | null>;
  seconds: number;
}

export async function runPipeline(cfg: RunConfig, hooks: StageHooks = {}): Promise<PipelineResult> {
  const say = hooks.say ?? (() => {});
  const started = Date.now();
  const pct = (m: number | null) => (m === null ? 'n/a' : `${(m * 100).toFixed(2)}`);
  const saveDirOf = (round: number) => (round === 0 ? cfg.saveWeightDir : `${cfg.saveWeightDir}-round${round + 1}`);
  // Refused up front rather than after hours of warm-up: folders holding earlier runs.
  const held = [cfg.weightDir, ...Array.from({ length: cfg.refineRounds + 1 }, (_, r) => saveDirOf(r))].filter((d) => runFilesIn(d).length > 0);
  if (held.length > 0 && !cfg.overwrite) {
    throw new Error(`the pipeline would replace earlier runs in ${held.join(', ')}; give --overwrite to replace them, or other folders (--weight-dir, --save-weight-dir)`);
  }
  say(`== warm-up (${cfg.steps} steps, model ${cfg.model}, device ${cfg.device})`);
  const warm = await runWarmUp(cfg, hooks);
  if (warm.interrupted) throw new Error('interrupted during warm-up; resume with `diga warm-up --resume`');
  say(`warm-up: best val mIoU ${pct(warm.bestMiou)} at step ${warm.bestIteration}`);

  const selfTrainMiou: Array<number | null> = [];
  const pseudoLabelMiou: Array<number | null> = [];
  let weights = cfg.weightDir;
  for (let round = 0; round <= cfg.refineRounds; round++) {
    const pseudoDir = round === 0 ? cfg.pseudoDir : `${cfg.pseudoDir}-round${round + 1}`;
    const saveDir = saveDirOf(round);
    const roundCfg: RunConfig = { ...cfg, loadWeightDir: weights, pseudoDir, saveWeightDir: saveDir, logDir: join(cfg.logDir, `round${round + 1}`) };
    say(`== pseudo-labels from ${weights} → ${pseudoLabelDir(roundCfg)}`);
    const pl = await runPseudoLabel(roundCfg);
    pseudoLabelMiou.push(pl.quality?.miou ?? null);
    say(`pseudo-labels: ${pl.images} images${pl.quality ? `, mIoU against their ground truth ${pct(pl.quality.miou)}` : ''}`);
    say(`== centroids from ${weights}`);
    const c = await runCentroids({ ...roundCfg, centroidDir: join(cfg.centroidDir, `round${round + 1}`) });
    say(`centroids: ${c.classesSeen} classes seen in ${c.steps} steps → ${c.file}`);
    const steps = cfg.selfTrainSteps ?? cfg.steps;
    say(`== self-training round ${round + 1} (${steps} steps)`);
    const st = await runSelfTrain({ ...roundCfg, steps, evalEvery: Math.min(cfg.evalEvery, steps), centroidDir: join(cfg.centroidDir, `round${round + 1}`) }, hooks);
    if (st.interrupted) throw new Error(`interrupted during self-training round ${round + 1}; resume with \`diga self-train --resume\``);
    selfTrainMiou.push(st.bestMiou);
    say(`self-training round ${round + 1}: best val mIoU ${pct(st.bestMiou)} at step ${st.bestIteration}`);
    weights = saveDir;
  }
  say(`== evaluation of ${weights}`);
  const ev = await runEvaluate({ ...cfg, loadWeightDir: weights });
  say(`final val mIoU ${pct(ev.miou)} (${ev.images} images)`);
  return {
    warmUpMiou: warm.bestMiou,
    selfTrainMiou,
    finalMiou: ev.miou,
    finalWeights: weights,
    pseudoLabelMiou,
    seconds: (Date.now() - started) / 1000,
  };
}
