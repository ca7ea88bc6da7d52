// `npm run bench`: runs the benchmark suites and writes one JSON report.
// Usage: node dist/bench/main.js [--only ops,...] [--out work_dir/bench] [--device cpu]
import { parseArgs } from 'node:util';
import { benchDistributed } from './distributed.js';
import { benchEvaluations } from './evaluation.js';
import { benchLoader } from './loader.js';
import { benchMemory } from './memory.js';
import { benchModels } from './model.js';
import { benchOpOverhead } from './ops.js';
import { benchPredict } from './predict.js';
import { benchSteps, benchWarmupStep } from './step.js';
import { benchTrainSteps } from './train-step.js';
import { benchEnvironment, writeReport } from './report.js';

const suites: Record<string, (device: string) => Promise<unknown> | unknown> = {
  ops: () => benchOpOverhead(),
  model: (device) => benchModels(device),
  distributed: () => benchDistributed(),
  step: (device) => benchSteps(device),
  train: (device) => benchTrainSteps(device),
  evaluation: (device) => benchEvaluations(device),
  predict: (device) => benchPredict(device),
  memory: (device) => benchMemory(device),
  loader: async () => ({
    small: await benchLoader({ generate: { height: 256, width: 512, train: 24 }, steps: 30 }),
    fullSize: await benchLoader({ generate: { height: 1024, width: 2048, train: 8 }, steps: 10, concurrency: 4 }),
  }),
};

const QUICK: Record<string, (device: string) => Promise<unknown> | unknown> = {
  step: (device) => [benchWarmupStep('tiny', 64, 128, 2, device)],
  train: (device) =>
    benchTrainSteps(device, [
      { stage: 'warm-up', model: 'tiny', height: 64, width: 128, batch: 3 },
      { stage: 'self-train', model: 'tiny', height: 64, width: 128, batch: 3 },
      { stage: 'warm-up', source: 'gta5', translator: 'tiny', model: 'deeplabv2-tiny', height: 64, width: 96, batch: 2 },
      { stage: 'self-train', source: 'gta5', translator: 'tiny', model: 'deeplabv2-tiny', height: 64, width: 96, batch: 2 },
    ]),
  evaluation: (device) => benchEvaluations(device, [{ model: 'tiny', height: 128, width: 256, scales: [[128, 256], [64, 128]], images: 2 }]),
  predict: (device) => benchPredict(device, [{ model: 'tiny', height: 64, width: 128, images: 2 }], 5),
};

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      out: { type: 'string', default: 'work_dir/bench' },
      device: { type: 'string', default: 'cpu' },
      // Tiny cases only: proves a machine runs every suite end to end (the GPU kit's dry run).
      quick: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick ? QUICK : {};
  const names = values.only ? values.only.split(',') : Object.keys(suites);
  const unknown = names.filter((n) => !(n in suites));
  if (unknown.length > 0) throw new Error(`unknown bench suite(s) ${unknown.join(', ')}; available: ${Object.keys(suites).join(', ')}`);
  const report: Record<string, unknown> = { environment: benchEnvironment(values.device!) };
  for (const name of names) {
    process.stderr.write(`[bench] ${name} ...\n`);
    report[name] = await (quick[name] ?? suites[name])(values.device!);
  }
  const file = writeReport(values.out!, report);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`[bench] wrote ${file}\n`);
}

run().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
