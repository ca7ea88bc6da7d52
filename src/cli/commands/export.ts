// `diga export --format onnx`: the evaluation network, with weights from a weight folder
// (as `diga evaluate` reads them) or a single checkpoint, as a file for other runtimes.
import { basename, dirname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { findWeights, loadWeights, loadWeightsFrom, weightFile } from '../../models/weights.js';
import { defaultModelOf } from '../../models/weights-model.js';
import { DEFAULT_OPSET, ONNX_EXPORTERS, ONNX_OPSETS, parseOutputs, writeOnnx } from '../../export/onnx/index.js';
import { presetNames, resolveModel, SegModel, type SegModelConfig } from '../../models/index.js';
import { checkOutputFile, makeOutputFolder } from '../../paths/index.js';

const FORMATS = ['onnx'];

interface ExportValues {
  format: string;
  model?: string;
  weightDir?: string;
  weights?: string;
  teacher?: boolean;
  out: string;
  outputs: string;
  opset: number;
  labels?: string;
  overwrite?: boolean;
}

const opset = (v: string): number => {
  const n = Number(v);
  if (!(ONNX_OPSETS as readonly number[]).includes(n)) throw new InvalidArgumentError(`expected one of ${ONNX_OPSETS.join(', ')}`);
  return n;
};

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the evaluation network (BatchNorm folded, dynamic batch and size) for other runtimes')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'onnx')
    .option('--model <preset>', `${presetNames().join(' | ')} (default: the one the weights record, else hrnet48)`)
    .option('--weight-dir <dir>', 'the weight folder to read (student.safetensors or the published student.pth)')
    .option('--weights <file>', 'a single checkpoint instead (.safetensors, .pth or .pt)')
    .option('--teacher', 'export the teacher of --weight-dir instead of the student')
    .requiredOption('--out <file>', 'the file to write (e.g. model.onnx)')
    .option('--outputs <list>', 'comma-separated outputs: main, aux, features', 'main')
    .option('--opset <n>', `ONNX opset (${ONNX_OPSETS.join(', ')})`, opset, DEFAULT_OPSET)
    .option('--labels <set>', 'label set whose class names go into the metadata (default cityscapes-19)')
    .option('--overwrite', 'replace --out if it exists (only an .onnx file)')
    .action((o: ExportValues) => {
      if (!FORMATS.includes(o.format)) throw new Error(`--format ${o.format}: unknown export format; known formats: ${FORMATS.join(', ')}`);
      if ((o.weightDir === undefined) === (o.weights === undefined)) throw new Error('give the weights to export: --weight-dir <dir> or --weights <file> (one of them)');
      if (o.teacher && o.weights !== undefined) throw new Error('--teacher picks the teacher of --weight-dir; with --weights, name the teacher file itself');
      const outputs = parseOutputs(o.outputs);
      const role = o.teacher ? 'teacher' : 'student';
      // Checked before the export runs: --out is never the weights read, nor a folder, nor another kind of file.
      const read = o.weights !== undefined ? weightFile(o.weights, role) : findWeights(o.weightDir!, role);
      checkOutputFile(o.out, { what: '--out', kinds: ['.onnx'], overwrite: o.overwrite === true, inputs: read === undefined ? [] : [read] });
      // As predict: the network the weights record (our safetensors) or show (a published .pth), else the paper's.
      const config = o.model ?? (read !== undefined ? (defaultModelOf(read) as SegModelConfig) : 'hrnet48');
      const preset = typeof config === 'string' ? config : undefined;
      const family = resolveModel(config).family;
      if (!Object.hasOwn(ONNX_EXPORTERS, family.name)) {
        const what = o.model !== undefined ? `--model ${o.model}` : `the network of ${read}`;
        throw new Error(`${what} is a ${family.name} network, which has no ONNX export yet; families with one: ${Object.keys(ONNX_EXPORTERS).join(', ')}`);
      }
      const model = new SegModel(config);
      try {
        const file = o.weights !== undefined ? loadWeightsFrom(read!, role, model, { modelName: preset }) : loadWeights(o.weightDir!, role, model, { modelName: preset });
        makeOutputFolder(dirname(o.out), 'the folder of --out');
        const bytes = writeOnnx(model.eval(), o.out, {
          outputs,
          opset: o.opset,
          preset,
          labels: o.labels,
          overwrite: true,
          metadata: { weights: basename(file), ...(o.weights === undefined ? { weights_role: role } : {}) },
        });
        process.stdout.write(`wrote ${o.out} (ONNX opset ${o.opset}, outputs ${outputs.join(', ')}, ${(bytes / 2 ** 20).toFixed(1)} MiB) from ${file}\n`);
      } finally {
        model.dispose();
      }
    });
}
