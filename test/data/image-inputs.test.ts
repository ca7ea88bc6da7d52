import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImages } from '../../src/data/image-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['a/x.png', 'a/deep/y.jpg', 'a/notes.txt', 'b/x.png', 'c.webp']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}

describe('collectImages', () => {
  it('takes files, folders (recursively, images only) and globs, each with the path its outputs mirror', () => {
    expect(collectImages([join(dir, 'a')]).map((i) => i.rel)).toEqual(['deep/y.jpg', 'x.png']);
    expect(collectImages([join(dir, 'c.webp')])).toEqual([{ file: join(dir, 'c.webp'), rel: 'c.webp' }]);
    expect(collectImages([`${dir}/*/x.png`]).map((i) => i.rel)).toEqual(['a/x.png', 'b/x.png']);
  });

  it('reads a list relative to its root, and names what is missing', () => {
    writeFileSync(join(dir, 'list.txt'), '# two images\na/x.png\n\nb/x.png\n');
    expect(collectImages([], { list: join(dir, 'list.txt'), root: dir }).map((i) => i.rel)).toEqual(['a/x.png', 'b/x.png']);
    writeFileSync(join(dir, 'bad.txt'), 'a/x.png\na/none.png\n');
    expect(() => collectImages([], { list: join(dir, 'bad.txt'), root: dir })).toThrow(`bad.txt line 2: ${join(dir, 'a/none.png')} does not exist`);
    expect(() => collectImages([join(dir, 'nothing')])).toThrow('does not exist');
    expect(() => collectImages([`${dir}/*.gif`])).toThrow('no images match');
    expect(() => collectImages([])).toThrow('no images given');
  });

  it('refuses a list entry outside its root, by line, whose outputs would land outside --out', () => {
    writeFileSync(join(dir, 'escape.txt'), 'x.png\n../c.webp\n');
    const root = join(dir, 'a');
    expect(() => collectImages([], { list: join(dir, 'escape.txt'), root })).toThrow(`escape.txt line 2: ../c.webp lies outside --root ${root}`);
    writeFileSync(join(dir, 'absolute.txt'), `${join(dir, 'c.webp')}\n`);
    expect(() => collectImages([], { list: join(dir, 'absolute.txt'), root })).toThrow(`absolute.txt line 1: ${join(dir, 'c.webp')} lies outside --root`);
    // A `..` that stays below the root is only a longer name.
    writeFileSync(join(dir, 'inside.txt'), 'deep/../x.png\n');
    expect(collectImages([], { list: join(dir, 'inside.txt'), root }).map((i) => i.rel)).toEqual(['x.png']);
  });

  it('leaves the output folders out of a walk, and refuses an input named inside one', () => {
    const outputs = [join(dir, 'a', 'deep')];
    const left: string[] = [];
    expect(collectImages([join(dir, 'a')], { outputs, onLeftOut: (f) => left.push(f) }).map((i) => i.rel)).toEqual(['x.png']);
    expect(left).toEqual([join(dir, 'a', 'deep', 'y.jpg')]);
    expect(collectImages([`${dir}/a/**/*.{png,jpg}`], { outputs }).map((i) => i.rel)).toEqual(['x.png']);
    expect(() => collectImages([join(dir, 'a', 'deep')], { outputs })).toThrow(`the folder ${join(dir, 'a', 'deep')} is ${outputs[0]}, a folder this run writes its outputs into`);
    expect(() => collectImages([join(dir, 'a', 'deep', 'y.jpg')], { outputs })).toThrow('lies inside');
    writeFileSync(join(dir, 'deep-list.txt'), 'deep/y.jpg\n');
    expect(() => collectImages([], { list: join(dir, 'deep-list.txt'), root: join(dir, 'a'), outputs })).toThrow('deep-list.txt line 1: ');
  });

  it('refuses two inputs that would write one output, and predicts a file named twice once', () => {
    expect(() => collectImages([join(dir, 'a'), join(dir, 'b')])).toThrow('would write the same outputs (x)');
    expect(collectImages([join(dir, 'c.webp'), join(dir, 'c.webp')])).toHaveLength(1);
  });

  it('predicts an image reached again through a link loop once, and says so', () => {
    const loop = join(dir, 'loop');
    mkdirSync(loop);
    writeFileSync(join(loop, 'p.png'), '');
    symlinkSync(loop, join(loop, 'again'));
    const repeated: string[] = [];
    const found = collectImages([loop], { onRepeat: (f) => repeated.push(f) });
    expect(found.map((i) => i.rel)).toEqual(['p.png']);
    expect(repeated.length).toBeGreaterThan(0);
    expect(repeated.every((f) => f.endsWith('p.png') && f.includes('again'))).toBe(true);
  });
});
