// The `diga` command line: one module per command under commands/.
import { Command, CommanderError, Help } from 'commander';
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

/** Holds a flag to the word before it while wrapping; a character that is not whitespace, one column wide. */
const GLUE = '\u0001';

/**
 * Help text wrapped as commander wraps it, except that no line starts with a flag: a
 * description naming another flag ("relative to --city-data-path") would otherwise put that
 * flag first on a continuation line, where it reads as a second entry for it.
 */
function boxWrapKeepingFlags(this: Help, text: string, width: number): string {
  return Help.prototype.boxWrap.call(this, text.replace(/ (?=--?[a-zA-Z])/g, GLUE), width).replaceAll(GLUE, ' ');
}

export function buildProgram(): Command {
  const program = new Command('diga')
    .description('DiGA semi-supervised semantic segmentation on libtorch')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    // Set before the commands are added: each copies the program's help settings.
    .configureHelp({ boxWrap: boxWrapKeepingFlags });
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
