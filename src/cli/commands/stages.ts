// The DiGA stage commands: translate (domain adaptation only), warm-up,
// pseudo-label, centroids, self-train, evaluate and pipeline. Each is a thin
// shell over src/stages.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pseudoLabelDir } from '../../config/paths.js';
import type { RunConfig } from '../../config/schema.js';
import { labelSet } from '../../labels/index.js';
import { formatIouTable } from '../../metrics/table.js';
import { plural } from '../../plural.js';
import { runCentroids } from '../../stages/centroids.js';
import { runEvaluate } from '../../stages/evaluate.js';
import { runPipeline } from '../../stages/pipeline.js';
import { runPseudoLabel } from '../../stages/pseudo-label.js';
import { runSelfTrain } from '../../stages/self-train.js';
import { runTranslate } from '../../stages/translate.js';
import type { TrainResult } from '../../engine/trainer.js';
import { runWarmUp } from '../../stages/warm-up.js';
import { addRunOptions, isMainProcess, launchIfAsked, runConfigFrom, type RunOptionValues } from '../options.js';

const out = (line: string) => {
  if (isMainProcess()) process.stdout.write(`${line}\n`);
};
const pct = (m: number | null) => (m === null ? 'n/a' : (m * 100).toFixed(2));

function reportTraining(name: string, r: TrainResult, weightDir: string): void {
  if (r.stoppedAt) {
    out(`${name} stopped at step ${r.iterations} as --stop-at asked; state in ${r.statePath} (continue with --resume)`);
    return;
  }
  if (r.interrupted) {
    out(`${name} interrupted at step ${r.iterations}; state in ${r.statePath} (continue with --resume)`);
    process.exitCode = 130;
    return;
  }
  out(`${name} done: ${plural(r.iterations, 'step')}, best val mIoU ${pct(r.bestMiou)} at step ${r.bestIteration}; weights in ${weightDir}`);
}

/**
 * `--dump-logs`: what the stage prints also goes to <log-dir>/output.txt (the published
 * script sends it there instead of the console).
 */
function dumpLogs(o: RunOptionValues, cfg: RunConfig): void {
  if (!o.dumpLogs || !isMainProcess()) return;
  mkdirSync(cfg.logDir, { recursive: true });
  const file = join(cfg.logDir, 'output.txt');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    appendFileSync(file, chunk);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
}

export function registerStages(program: Command): void {
  addRunOptions(
    program.command('translate').description('domain adaptation, stage 0: the source → target image translator (saves enc_s, dec_s2t into the warm-up folder)'),
    'translate',
  ).action(async (o: RunOptionValues) => {
    if (await launchIfAsked(o)) return;
    const cfg = runConfigFrom('translate', o);
    dumpLogs(o, cfg);
    const r = await runTranslate(cfg, { say: out });
    if (r.interrupted) {
      out(`translator stopped at step ${r.iterations}; state in ${r.dir} (continue with --resume)`);
      if (cfg.stopAt !== r.iterations) process.exitCode = 130;
      return;
    }
    out(`translator done: ${plural(r.iterations, 'step')}; ${r.files.join(', ')}`);
  });

  addRunOptions(program.command('warm-up').description('stage 1: supervised learning + symmetric distillation on the labelled set'), 'warm-up').action(
    async (o: RunOptionValues) => {
      if (await launchIfAsked(o)) return;
      const cfg = runConfigFrom('warm-up', o);
      dumpLogs(o, cfg);
      reportTraining('warm-up', await runWarmUp(cfg, { say: out }), cfg.weightDir);
    },
  );

  addRunOptions(program.command('pseudo-label').description('stage 2: predict the unlabelled images and write pseudo-label PNGs'), 'pseudo-label').action(
    async (o: RunOptionValues) => {
      if (await launchIfAsked(o)) return;
      const cfg = runConfigFrom('pseudo-label', o);
      const r = await runPseudoLabel(cfg);
      out(`wrote ${plural(r.images, 'pseudo-label')} to ${r.outDir} in ${r.seconds.toFixed(1)} s (weights ${r.weights})`);
      if (r.quality) out(`agreement with the unlabelled set's ground truth: mIoU ${pct(r.quality.miou)}`);
    },
  );

  addRunOptions(program.command('centroids').description('stage 3: class centroids of the pixel features'), 'centroids').action(async (o: RunOptionValues) => {
    if (await launchIfAsked(o)) return;
    const cfg = runConfigFrom('centroids', o);
    const r = await runCentroids(cfg);
    out(`centroids of ${plural(r.classesSeen, 'class')} from ${plural(r.steps, 'step')} written to ${r.file}`);
  });

  addRunOptions(program.command('self-train').description('stage 4: self-training with consensus pseudo-labels, centroids and ClassMix'), 'self-train').action(
    async (o: RunOptionValues) => {
      if (await launchIfAsked(o)) return;
      const cfg = runConfigFrom('self-train', o);
      dumpLogs(o, cfg);
      out(`pseudo-labels from ${pseudoLabelDir(cfg)}, centroids from ${cfg.centroidDir}, weights from ${cfg.loadWeightDir}`);
      reportTraining('self-training', await runSelfTrain(cfg, { say: out }), cfg.saveWeightDir);
    },
  );

  addRunOptions(
    program
      .command('evaluate')
      .description('stage 5: multi-scale evaluation on val; per-class IoU table')
      .option('--json <file>', 'also write {miou, iou[classes], overall_acc, mean_acc, fwavacc} as JSON')
      .option('--teacher', 'evaluate teacher weights instead of the student')
      .option('--overwrite', 'replace an existing --json file (only a .json file)'),
    'evaluate',
  ).action(async (o: RunOptionValues & { json?: string; teacher?: boolean; overwrite?: boolean }) => {
    if (await launchIfAsked(o)) return;
    const cfg = runConfigFrom('evaluate', o);
    const r = await runEvaluate(cfg, { json: o.json, role: o.teacher ? 'teacher' : 'student', overwrite: o.overwrite === true });
    out(`weights ${r.weights}, ${plural(r.images, 'image')}`);
    out(formatIouTable(r, labelSet(cfg.labels)));
    if (o.json) out(`wrote ${o.json}`);
  });

  addRunOptions(program.command('pipeline').description('all five stages in order, with the refined self-training round'), 'pipeline').action(
    async (o: RunOptionValues) => {
      if (await launchIfAsked(o)) return;
      const cfg = runConfigFrom('pipeline', o);
      dumpLogs(o, cfg);
      const r = await runPipeline(cfg, { say: out });
      out(`pipeline done in ${Math.round(r.seconds)} s: warm-up ${pct(r.warmUpMiou)} → self-training ${r.selfTrainMiou.map(pct).join(' → ')} → final ${pct(r.finalMiou)} mIoU`);
      if (r.report) out(`report: ${r.report}`);
    },
  );
}
