// Where `diga predict` may write: only below <out>/<kind>/, never over an input image, never
// reading its own outputs back as inputs, and into a folder checked before any work.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, test } from 'vitest';
import { diga, haveBuild, predictFiles, sha, startDiga } from '../faults/helpers.js';

const files = predictFiles('predict-outputs');

/** `names` copies of one generated image under `dir`; returns their paths. */
function photos(dir: string, ...names: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  return names.map((n) => {
    copyFileSync(files.image, join(dir, n));
    return join(dir, n);
  });
}

const predict = (...args: string[]) => diga(['predict', ...args, '--weights', files.weights, '--no-progress']);

/** The files below `dir` but the run lock, relative to it. */
const tree = (dir: string): string[] => globSync('**/*', { cwd: dir, dot: true, ignore: ['.diga.lock'] }).sort();


describe.skipIf(!haveBuild)('diga predict: where outputs go', () => {
  test('a list entry that climbs out of --root is refused by name, and nothing lands outside --out', async () => {
    const base = join(files.root, 'escape');
    const root = join(base, 'a', 'r1', 'r2', 'r3');
    mkdirSync(root, { recursive: true });
    photos(join(base, 'a', 'elsewhere'), 'img.png');
    const list = join(base, 'list.txt');
    writeFileSync(list, '../../../elsewhere/img.png\n');
    const out = join(base, 'x', 'y', 'out');
    const r = await predict('--list', list, '--root', root, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${list} line 1: ../../../elsewhere/img.png lies outside --root ${root}`);
    // Where out/color/../../../elsewhere/img.png would have been.
    expect(existsSync(join(base, 'x', 'elsewhere'))).toBe(false);
  });

  test('with --overwrite, a list entry whose output would be the input image itself is refused', async () => {
    const base = join(files.root, 'onto-input');
    const [input] = photos(base, 'img.png');
    const before = sha(input);
    const root = join(base, 'q', 'r');
    mkdirSync(root, { recursive: true });
    const list = join(base, 'list.txt');
    writeFileSync(list, '../../img.png\n');
    // <out>/color/../../img.png is <base>/img.png: the input.
    const r = await predict('--list', list, '--root', root, '--out', join(base, 'out'), '--overwrite');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${list} line 1: ../../img.png lies outside --root`);
    expect(sha(input)).toBe(before);
  });

  test('inputs inside <out>/<kind>/ are refused, with and without --overwrite, and stay as they were', async () => {
    const out = join(files.root, 'selfover');
    const inputs = photos(join(out, 'color'), 'a.png', 'b.png', 'c.png');
    const before = inputs.map(sha);
    for (const extra of [['--overwrite'], []]) {
      const r = await predict(join(out, 'color'), '--out', out, ...extra);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.err).toContain(`the folder ${join(out, 'color')} is ${join(out, 'color')}, a folder this run writes its outputs into`);
      expect(r.err).not.toContain('already exist');
    }
    // A single image named there is refused the same way.
    expect((await predict(inputs[0], '--out', out, '--overwrite')).err).toContain(`the image ${inputs[0]} lies inside ${join(out, 'color')}`);
    expect(inputs.map(sha)).toEqual(before);
    expect(tree(out)).toEqual(['color/a.png', 'color/b.png', 'color/c.png']);
  });

  test('--out inside the input folder: a second run leaves its earlier outputs out of the inputs', async () => {
    const dir = join(files.root, 'inout');
    photos(dir, 'a.png', 'b.png');
    const first = await predict(dir, '--out', dir);
    expect(first.code, first.err).toBe(0);
    const second = await predict(dir, '--out', dir, '--overwrite');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`left out 2 images inside ${dir}'s output folders`);
    expect(second.out).toContain('predicted 2 images');
    expect(tree(dir)).toEqual(['a.png', 'b.png', 'color/a.png', 'color/b.png']);
  });

  test('--out under /proc or /sys is refused at once', async () => {
    for (const out of ['/proc/diga-out', '/sys/diga-out']) {
      const run = startDiga(['predict', files.image, '--weights', files.weights, '--out', out, '--no-progress']);
      // Before the policy, /proc hung; the test ends it rather than wait for the suite's limit.
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
      const r = await run.done;
      clearTimeout(timer);
      expect(r.signal, out).toBe(null);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`--out ${out}: /${out.split('/')[1]} is a system folder; diga writes no files there`);
    }
  });

  test('a read-only file system is named as the cause', async () => {
    const dir = resolve(files.root, 'read-only');
    mkdirSync(dir);
    // A private read-only mount, in a user and mount namespace of the child's own.
    if (spawnSync('unshare', ['-rm', 'true']).status !== 0) return;
    const script = `mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"`;
    const args = [process.execPath, resolve('bin/diga.js'), 'predict', files.image, '--weights', files.weights, '--out', join(dir, 'out'), '--no-progress'];
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', dir, ...args], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--out ${join(dir, 'out')}: not writable: ${dir} is on a read-only file system`);
  });
});
