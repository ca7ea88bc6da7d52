// All five stages in order, with the refined rounds: warm-up → pseudo-labels
// → centroids → self-training → (pseudo-labels from the self-trained student
// → self-training again) × refineRounds → evaluation. In domain adaptation the
// image translator is trained first (and, on request, a source-only baseline
// before it), and the refined rounds keep the warm-up's centroids, as published.
import { join } from 'node:path';
import { pseudoLabelDir } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { runCentroids } from './centroids.js';
import { runEvaluate } from './evaluate.js';
import { runPseudoLabel } from './pseudo-label.js';
import { runSelfTrain } from './self-train.js';
import { runFilesIn } from '../engine/run/outputs.js';
import type { StageHooks } from '../engine/context.js';
import { openDataset } from '../engine/datasets.js';
import { describeRun } from '../engine/run/describe.js';
import { RunLog } from '../engine/run/run-log.js';
import { labelSet } from '../labels/index.js';
import { plural } from '../plural.js';
import { distEnv } from '../distributed/env.js';
import { runDirOf } from '../report/run-logs.js';
import { refreshReport, REPORT_FILE } from '../report/write-report.js';
import { checkTranslatorCrop, runTranslate } from './translate.js';
import { runWarmUp } from './warm-up.js';

export interface PipelineResult {
  /** Domain adaptation with sourceOnlyBaseline: the source-only network's best target val mIoU. */
  sourceOnlyMiou: number | null;
  warmUpMiou: number | null;
  selfTrainMiou: Array<number | null>;
  finalMiou: number | null;
  finalWeights: string;
  pseudoLabelMiou: Array<number | null>;
  seconds: number;
  /** The run report's path; null where it could not be written (or on ranks other than 0). */
  report: string | null;
}

export async function runPipeline(cfg: RunConfig, hooks: StageHooks = {}): Promise<PipelineResult> {
  const say = hooks.say ?? (() => {});
  const started = Date.now();
  const pct = (m: number | null) => (m === null ? 'n/a' : `${(m * 100).toFixed(2)}`);
  const saveDirOf = (round: number) => (round === 0 ? cfg.saveWeightDir : `${cfg.saveWeightDir}-round${round + 1}`);
  // Refused up front rather than after hours of warm-up: folders holding earlier runs.
  const baselineDir = `${cfg.weightDir}-source-only`;
  const baseline = cfg.source !== null && cfg.sourceOnlyBaseline;
  const held = [cfg.weightDir, ...(baseline ? [baselineDir] : []), ...Array.from({ length: cfg.refineRounds + 1 }, (_, r) => saveDirOf(r))].filter((d) => runFilesIn(d).length > 0);
  if (held.length > 0 && !cfg.overwrite) {
    throw new Error(`the pipeline would replace earlier runs in ${held.join(', ')}; give --overwrite to replace them, or other folders (--weight-dir, --save-weight-dir)`);
  }
  // The translator's crop too: a source-only baseline comes before it.
  if (cfg.source !== null) checkTranslatorCrop(cfg);
  // What the run report shows beyond the training logs: each stage's time and results.
  // Rank 0 writes the log and the report; in a data-parallel run every rank runs the stages.
  const isMain = (distEnv()?.rank ?? 0) === 0;
  const log = new RunLog(join(cfg.logDir, 'pipeline.jsonl'), { say, enabled: isMain });
  log.write({ kind: 'start', stage: 'pipeline', ...describeRun(cfg), refineRounds: cfg.refineRounds, ranks: distEnv()?.worldSize ?? 1 });
  const since = () => {
    const t = Date.now();
    return () => (Date.now() - t) / 1000;
  };
  // The training stages refresh the report at each evaluation (their rounds log under logs/roundN).
  const stageHooks: StageHooks = { ...hooks, onEvaluated: hooks.onEvaluated ?? (() => refreshReport(cfg.logDir)) };
  let took = since();
  let sourceOnlyMiou: number | null = null;
  if (baseline) {
    say(`== source-only baseline (${plural(cfg.steps, 'step')} on the ${cfg.source} source alone, model ${cfg.model})`);
    const b = await runWarmUp(
      { ...cfg, sourceOnly: true, weightDir: baselineDir, logDir: join(cfg.logDir, 'source-only'), genImgDir: join(cfg.genImgDir, 'source-only') },
      stageHooks,
    );
    if (b.interrupted) throw new Error(`interrupted during the source-only baseline; resume with \`diga warm-up --source-only --weight-dir ${baselineDir} --resume\``);
    sourceOnlyMiou = b.bestMiou;
    log.write({ kind: 'stage', stage: 'source-only', seconds: took(), bestMiou: b.bestMiou, bestIteration: b.bestIteration });
    say(`source-only: best target val mIoU ${pct(b.bestMiou)} at step ${b.bestIteration}`);
  }
  if (cfg.source !== null) {
    say(`== image translator (${plural(cfg.translatorSteps, 'step')}, ${cfg.source} → target)`);
    took = since();
    const t = await runTranslate(cfg, stageHooks);
    if (t.interrupted) throw new Error('interrupted while training the translator; resume with `diga translate --resume`');
    log.write({ kind: 'stage', stage: 'translate', seconds: took(), steps: t.iterations });
    say(`translator: ${plural(t.iterations, 'step')} → ${t.files.join(', ')}`);
  }
  say(`== warm-up (${plural(cfg.steps, 'step')}, model ${cfg.model}, device ${cfg.device})`);
  took = since();
  const warm = await runWarmUp(cfg, stageHooks);
  if (warm.interrupted) throw new Error('interrupted during warm-up; resume with `diga warm-up --resume`');
  log.write({ kind: 'stage', stage: 'warm-up', seconds: took(), bestMiou: warm.bestMiou, bestIteration: warm.bestIteration });
  say(`warm-up: best val mIoU ${pct(warm.bestMiou)} at step ${warm.bestIteration}`);
  const classes = labelSet(cfg.labels).classes;
  if (cfg.source === null) {
    log.write({ kind: 'labelled-histogram', histogram: await (await openDataset(cfg, 'labelled', { validate: false })).labelHistogram(classes) });
  }

  const selfTrainMiou: Array<number | null> = [];
  const pseudoLabelMiou: Array<number | null> = [];
  let weights = cfg.weightDir;
  for (let round = 0; round <= cfg.refineRounds; round++) {
    const pseudoDir = round === 0 ? cfg.pseudoDir : `${cfg.pseudoDir}-round${round + 1}`;
    const saveDir = saveDirOf(round);
    // Each round logs and draws into its own folders, so round 2's grids do not replace round 1's.
    const roundCfg: RunConfig = {
      ...cfg, loadWeightDir: weights, pseudoDir, saveWeightDir: saveDir,
      logDir: join(cfg.logDir, `round${round + 1}`), genImgDir: join(cfg.genImgDir, `round${round + 1}`),
    };
    const r = round + 1;
    say(`== pseudo-labels from ${weights} → ${pseudoLabelDir(roundCfg)}`);
    took = since();
    const pl = await runPseudoLabel(roundCfg);
    pseudoLabelMiou.push(pl.quality?.miou ?? null);
    log.write({
      kind: 'stage', stage: 'pseudo-label', round: r, seconds: took(), images: pl.images, weights: pl.weights,
      miou: pl.quality?.miou ?? null, iou: pl.quality?.iou ?? null, histogram: pl.histogram,
    });
    say(`pseudo-labels: ${plural(pl.images, 'image')}${pl.quality ? `, mIoU against their ground truth ${pct(pl.quality.miou)}` : ''}`);
    // Domain adaptation's refined rounds reuse the warm-up centroids (the published README's commands).
    const centroidRound = cfg.source !== null ? 1 : round + 1;
    const centroidDir = join(cfg.centroidDir, `round${centroidRound}`);
    if (centroidRound === round + 1) {
      say(`== centroids from ${weights}`);
      took = since();
      const c = await runCentroids({ ...roundCfg, centroidDir });
      log.write({ kind: 'stage', stage: 'centroids', round: r, seconds: took(), classesSeen: c.classesSeen, steps: c.steps });
      say(`centroids: ${plural(c.classesSeen, 'class')} seen in ${plural(c.steps, 'step')} → ${c.file}`);
    } else {
      say(`== centroids: the warm-up's, from ${centroidDir}`);
    }
    const steps = cfg.selfTrainSteps ?? cfg.steps;
    say(`== self-training round ${round + 1} (${plural(steps, 'step')})`);
    took = since();
    const st = await runSelfTrain({ ...roundCfg, steps, evalEvery: Math.min(cfg.evalEvery, steps), centroidDir }, stageHooks);
    if (st.interrupted) throw new Error(`interrupted during self-training round ${round + 1}; resume with \`diga self-train --resume\``);
    log.write({ kind: 'stage', stage: 'self-train', round: r, seconds: took(), bestMiou: st.bestMiou, bestIteration: st.bestIteration });
    selfTrainMiou.push(st.bestMiou);
    say(`self-training round ${round + 1}: best val mIoU ${pct(st.bestMiou)} at step ${st.bestIteration}`);
    weights = saveDir;
  }
  say(`== evaluation of ${weights}`);
  took = since();
  const ev = await runEvaluate({ ...cfg, loadWeightDir: weights });
  log.write({ kind: 'stage', stage: 'evaluate', seconds: took(), weights: ev.weights, images: ev.images, miou: ev.miou, iou: ev.iou, support: ev.support });
  say(`final val mIoU ${pct(ev.miou)} (${plural(ev.images, 'image')})`);
  log.write({ kind: 'end', stage: 'pipeline', seconds: (Date.now() - started) / 1000 });
  let report: string | null = null;
  if (isMain) {
    try {
      await refreshReport(cfg.logDir);
      report = join(runDirOf(cfg.logDir), REPORT_FILE);
    } catch (err) {
      say(`cannot write the run report (${(err as Error).message})`);
    }
  }
  return {
    sourceOnlyMiou,
    warmUpMiou: warm.bestMiou,
    selfTrainMiou,
    finalMiou: ev.miou,
    finalWeights: weights,
    pseudoLabelMiou,
    seconds: (Date.now() - started) / 1000,
    report,
  };
}
