// A temporary folder to lay out like the published repository, and the diga command
// run inside it with the folder's small-run config (small.json), for the tests of the
// published READMEs' commands.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = resolve('bin/diga.js');

export function publishedFolder(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  /** `diga <line> --config small.json` in the folder: its exit code and output, whether it succeeds or not. */
  async function diga(line: string): Promise<{ code: number; out: string; err: string }> {
    const args = line.trim().split(/\s+/);
    try {
      const r = await run(process.execPath, [bin, ...args, '--config', 'small.json'], { cwd: root, timeout: 300_000 });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: err.stdout, err: err.stderr };
    }
  }
  /** The sorted entries of a folder inside it. */
  const ls = (dir: string) => readdirSync(join(root, dir)).sort();
  return { root, diga, ls };
}
