// `diga demo`, the README's main command: generates the built-in street-scene
// dataset if it is not there and runs the whole DiGA pipeline on it with a
// CPU-sized preset, printing val mIoU after each stage and where outputs are.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runFilesIn } from '../../engine/run/outputs.js';
import type { Command } from 'commander';
import { generateDataset } from '../../data/synthetic/generate.js';
import { generateSourceDataset } from '../../data/synthetic/generate-source.js';
import { demoLists } from '../../config/defaults.js';
import { plural } from '../../plural.js';
import { runPipeline } from '../../stages/pipeline.js';
import { addRunOptions, runConfigFrom, type RunOptionValues } from '../options.js';
import { formatSummary } from './make-data.js';
import { formatInfo, infoReport } from './info.js';

/**
 * The demo dataset: the semi-supervised Cityscapes setting in miniature (1/8 of the training
 * images labelled, one look throughout). `diga make-data --shift dusk` makes a shifted variant.
 */
export const DEMO_DATA = { train: 160, val: 32, height: 256, width: 512, seed: 0, labelledFraction: 0.125 } as const;

/**
 * The adaptation demo's target: the demo's scenes, every one at dusk (one training image keeps
 * the day look: the generator always labels one); its source: as many scenes in the flat look.
 */
export const DEMO_UDA_TARGET = { ...DEMO_DATA, labelledFraction: 1 / 160, shift: 'dusk', shiftVal: true } as const;

/** The adaptation demo's source: as many images as the target, the flat look, another seed. */
export const DEMO_SOURCE = { count: 160, height: 256, width: 512, seed: 1 } as const;

export function registerDemo(program: Command): void {
  addRunOptions(
    program
      .command('demo')
      .description('generate the built-in street-scene dataset (if absent) and run the whole pipeline on it')
      .option('--data <dir>', 'where the generated dataset lives (default: data/synthetic; with --uda the dusk target, data/synthetic-dusk)')
      .option('--uda', 'the domain-adaptation pipeline instead: a flat-looking generated source (GTA5 layout) adapted to the street scenes')
      .option('--source-data <dir>', 'with --uda: where the generated source set lives', 'data/synthetic-source'),
    'demo',
  ).action(async (o: RunOptionValues & { data?: string; uda?: boolean; sourceData: string }) => {
    const data = o.data ?? (o.uda ? 'data/synthetic-dusk' : 'data/synthetic');
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(formatInfo(infoReport()));
    out('');
    if (!existsSync(join(data, 'synthetic.json'))) {
      out(`generating the demo ${o.uda ? 'target' : 'dataset'} in ${data} ...`);
      out(formatSummary(await generateDataset({ out: data, ...(o.uda ? DEMO_UDA_TARGET : DEMO_DATA) })));
    } else {
      out(`using the generated dataset in ${data}`);
    }
    if (o.uda) {
      if (!existsSync(join(o.sourceData, 'synthetic-source.json'))) {
        out(`generating the demo's source set in ${o.sourceData} ...`);
        const s = await generateSourceDataset({ out: o.sourceData, ...DEMO_SOURCE });
        out(`${plural(s.count, 'source image')} (${s.height}×${s.width}, the flat look) in ${s.out}`);
      } else {
        out(`using the generated source set in ${o.sourceData}`);
      }
    }
    const cfg = runConfigFrom('demo', o, { preset: o.uda ? 'demo-uda' : 'demo' });
    Object.assign(cfg, demoLists(data));
    if (o.uda) {
      // Every training image is the unlabelled target; the source is the generated GTA5-layout set.
      Object.assign(cfg, {
        dataListPathCityImg: join(data, 'lists', 'train.txt'),
        dataListPathCityLbl: join(data, 'lists', 'train_label.txt'),
        sourceDataPath: o.sourceData,
        dataListPathSource: join(o.sourceData, 'train.txt'),
      });
    }
    // The demo owns its folders: each run starts over there.
    cfg.overwrite = true;
    if (runFilesIn(cfg.weightDir).length > 0) out(`replacing the earlier demo run in ${dirname(cfg.weightDir)}`);
    const r = await runPipeline(cfg, { say: out });
    const pct = (m: number | null) => (m === null ? 'n/a' : (m * 100).toFixed(2));
    out('');
    out(`demo finished in ${Math.round(r.seconds)} s`);
    if (o.uda) out(`target val mIoU: source only ${pct(r.sourceOnlyMiou)}, after warm-up (translator + distillation) ${pct(r.warmUpMiou)}, after self-training ${r.selfTrainMiou.map(pct).join(', ')}`);
    else out(`val mIoU: warm-up ${pct(r.warmUpMiou)}, self-training ${r.selfTrainMiou.map(pct).join(', ')}, final ${pct(r.finalMiou)}`);
    out(`weights: ${cfg.weightDir} (warm-up), ${r.finalWeights} (final); logs and curves: ${cfg.logDir}; sample grids: ${cfg.genImgDir}`);
    if (r.report) out(`report: ${r.report} (open it in a browser)`);
  });
}
