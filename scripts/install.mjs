// `npm install diga`: use a prebuilt addon when one loads on this machine;
// otherwise build from source with cmake-js; otherwise say what to install.
// In a development checkout scripts/bootstrap.sh does this instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`diga: ${line}\n`);

if (existsSync(join(root, '.git')) || process.env.DIGA_SKIP_INSTALL) process.exit(0);

/** Loads the addon in a child process, so a bad binary cannot take this one down. */
function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)}).info()`], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim()).slice(0, 300);
}

const prebuilds = join(root, 'prebuilds');
const mine = `${process.platform}-${process.arch}-`;
const tried = [];
if (existsSync(prebuilds)) {
  for (const dir of readdirSync(prebuilds).filter((d) => d.startsWith(mine))) {
    const file = join(prebuilds, dir, 'diga.node');
    const why = loads(file);
    if (why === null) {
      say(`using the prebuilt addon ${dir}`);
      process.exit(0);
    }
    tried.push(`${dir}: ${why}`);
  }
}

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
// cmake-js drives make or ninja: without either, configuration fails after a long wait.
if (has('cmake') && (has('c++') || has('g++')) && (has('make') || has('ninja'))) {
  say(tried.length ? `no prebuilt addon loads here (${tried.join('; ')}); building from source, this takes several minutes` : 'no prebuilt addon for this platform; building from source, this takes several minutes');
  const require = createRequire(import.meta.url);
  const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  // Every core: under make, cmake-js would otherwise compile one file at a time.
  const jobs = String(availableParallelism());
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build', '--parallel', jobs], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) process.exit(0);
  say('building the addon failed (see above). It needs libtorch: on Debian/Ubuntu `apt-get install libtorch-dev libgloo-dev libdnnl-dev libopenblas0-pthread`, or set LIBTORCH=/path/to/libtorch (or a pip torch: LIBTORCH=$(python3 -c "import torch; print(torch.utils.cmake_prefix_path)")) and run `npm rebuild diga`.');
  process.exit(1);
}
say([
  'no usable addon: ' + (tried.length ? `the prebuilt ones do not load (${tried.join('; ')})` : `no prebuilt addon for ${process.platform}-${process.arch}`) + ', and cmake, make (or ninja) or a C++ compiler is missing to build one.',
  'Possible solutions:',
  '  - install libtorch for the prebuilt addon: on Debian/Ubuntu `apt-get install libtorch-dev libopenblas0-pthread`;',
  '  - or install cmake, make and g++ (plus libtorch-dev, libgloo-dev and libdnnl-dev, or LIBTORCH=/path/to/libtorch) and run `npm rebuild diga`.',
].join('\n'));
process.exit(1);
