// `diga convert <in> <out>`: a state dict from .pth (zip or legacy) or
// .safetensors to either format, chosen by the output's extension.
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { CheckpointFile } from '../../checkpoint/file.js';
import { detectFormat } from '../../checkpoint/format.js';
import { readSafetensorsHeader, readStateDict, writeStateDict } from '../../checkpoint/index.js';
import { SegModel } from '../../models/index.js';
import { fitError } from '../../models/weights.js';
import { checkOutputFile, makeOutputFolder } from '../../paths/index.js';
import { plural } from '../../plural.js';

/** The formats convert writes, by extension. */
const CHECKPOINTS = ['.safetensors', '.pth', '.pt'];

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert a state dict between .pth (zip or legacy) and .safetensors, by the output extension')
    .argument('<in>', 'input checkpoint (.pth, .pt or .safetensors; the format is read from the content)')
    .argument('<out>', 'output file (.safetensors, .pth or .pt)')
    .option('--model <preset>', 'check that the state dict fits this model preset first')
    .option('--overwrite', 'replace <out> if it exists (only a .safetensors, .pth or .pt file, never <in>)')
    .action((input: string, output: string, o: { model?: string; overwrite?: boolean }) => {
      checkOutputFile(output, { what: '<out>', kinds: CHECKPOINTS, overwrite: o.overwrite === true, inputs: [input] });
      const dict = readStateDict(input);
      if (o.model) {
        const model = new SegModel(o.model);
        try {
          model.loadStateDict(dict, { strict: true });
        } catch (err) {
          throw fitError(input, `--model ${o.model}`, err);
        } finally {
          model.dispose();
        }
      }
      // safetensors → safetensors keeps the metadata (model, stage, iteration, mIoU); .pth has no place for it.
      const metadata = CheckpointFile.use(input, detectFormat) === 'safetensors' ? readSafetensorsHeader(input).metadata : undefined;
      makeOutputFolder(dirname(output), 'the folder of <out>');
      writeStateDict(output, dict, metadata);
      const bytes = [...dict.values()].reduce((s, t) => s + t.data.byteLength, 0);
      process.stdout.write(`wrote ${plural(dict.size, 'tensor')} (${(bytes / 2 ** 20).toFixed(1)} MiB) to ${output}${o.model ? `; fits ${o.model}` : ''}\n`);
    });
}
