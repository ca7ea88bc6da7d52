// The `diga` command line: one module per command under commands/.
import { Command, CommanderError } from 'commander';
import { watchLauncher } from '../distributed/launch.js';
import { packageVersion } from '../version.js';
import { registerConvert } from './commands/convert.js';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerInfo } from './commands/info.js';
import { registerMakeData } from './commands/make-data.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerStages } from './commands/stages.js';

export function buildProgram(): Command {
  const program = new Command('diga')
    .description('DiGA semi-supervised semantic segmentation on libtorch')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerInfo(program);
  registerMakeData(program);
  registerStages(program);
  registerPredict(program);
  registerConvert(program);
  registerExport(program);
  registerReport(program);
  registerDemo(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  watchLauncher(); // a worker of `--nproc-per-node` stops, saving its state, if its launcher dies
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // commander already printed help/usage errors; just set the exit code.
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
