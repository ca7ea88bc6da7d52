// `diga predict --resume` continues an interrupted run: an output there is whole (each is
// written atomically), so it is kept and only what is missing is predicted. Ctrl-C stops
// after the images under way, releases the folder, and says how far it got and how to go on.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { LOCK_FILE } from '../../src/engine/run/folder-lock.js';
import { diga, haveBuild, predictFiles, sha, startDiga, waitFor } from '../faults/helpers.js';

const files = predictFiles('predict-resume');

/** `names` copies of `from` under `dir`. */
function photos(dir: string, from: string, names: string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const n of names) copyFileSync(from, join(dir, n));
}


describe.skipIf(!haveBuild)('diga predict --resume', () => {
  test('keeps the outputs there and predicts only the images missing one', async () => {
    const images = join(files.root, 'four');
    photos(images, files.image, ['a.png', 'b.png', 'c.png', 'd.png']);
    const out = join(files.root, 'four-out');
    const args = ['predict', images, '--weights', files.weights, '--out', out, '--save', 'color,probs', '--no-progress'];
    expect((await diga(args)).code).toBe(0);
    // An interrupted run: c got its probabilities but not its colours, d nothing.
    rmSync(join(out, 'color', 'c.png'));
    rmSync(join(out, 'color', 'd.png'));
    rmSync(join(out, 'probs', 'd.safetensors'));
    const kept = ['color/a.png', 'color/b.png', 'probs/a.safetensors', 'probs/b.safetensors', 'probs/c.safetensors'].map((f) => join(out, f));
    const before = kept.map((f) => [sha(f), statSync(f).mtimeMs]);

    const refused = await diga(args);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--resume to keep them and predict only the images still missing an output');
    expect((await diga([...args, '--resume', '--overwrite'])).err).toContain('give --resume (keep the outputs there, predict the images still missing one) or --overwrite (replace them), not both');

    const r = await diga([...args, '--resume']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('kept the outputs of 2 images already done (--resume)');
    expect(r.out).toContain('predicted 2 images');
    expect(kept.map((f) => [sha(f), statSync(f).mtimeMs])).toEqual(before);
    for (const f of ['color/c.png', 'color/d.png', 'probs/d.safetensors']) expect(existsSync(join(out, f)), f).toBe(true);
    // Nothing left to do: a further --resume predicts nothing.
    const again = await diga([...args, '--resume']);
    expect(again.out).toContain('kept the outputs of 4 images already done (--resume)');
    expect(again.out).toContain('predicted 0 images');
  });

  test('Ctrl-C stops after the images under way, frees --out, and names the command that continues', async () => {
    const big = join(files.root, 'big.png');
    await sharp(files.image).resize(1024, 512).png().toFile(big);
    const images = join(files.root, 'many');
    // Enough that a machine ten times this 2-core one (3 images/s) is still under way at the signal.
    const count = 40;
    const names = Array.from({ length: count }, (_, i) => `img${String(i).padStart(2, '0')}.png`);
    photos(images, big, names);
    const out = join(files.root, 'many-out');
    const run = startDiga(['predict', images, '--weights', files.weights, '--out', out, '--no-progress']);
    const colours = () => (existsSync(join(out, 'color')) ? readdirSync(join(out, 'color')).filter((f) => f.endsWith('.png')) : []);
    await waitFor(() => colours().length >= 2, 120_000, 'two images predicted');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.signal).toBe(null);
    expect(r.code, r.err).toBe(130);
    const finished = colours().length;
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(finished).toBeLessThan(names.length);
    expect(r.err).toContain('interrupt: stopping once the images under way are written');
    expect(r.out).toContain(`interrupted: ${finished} of ${count} images finished, ${count - finished} still to predict; continue with:`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const done = new Map(colours().map((f) => [f, sha(join(out, 'color', f))]));

    // The command it names, run as given.
    const command = /continue with:\n {2}diga (.*)\n/.exec(r.out)![1];
    expect(command).toBe(`predict ${images} --weights ${files.weights} --out ${out} --no-progress --resume`);
    const rest = await diga(command.split(' '));
    expect(rest.code, rest.err).toBe(0);
    expect(rest.out).toContain(`kept the outputs of ${finished} images already done (--resume)`);
    expect(rest.out).toContain(`predicted ${count - finished} images`);
    expect(colours()).toHaveLength(count);
    for (const [f, hash] of done) expect(sha(join(out, 'color', f)), f).toBe(hash);
  });
});
