// One output file: never an input, replaced only with --overwrite and only when of the kind
// the command writes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputFile } from '../../src/paths/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-output-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = { what: '--out', kinds: ['.html'], overwrite: false };

describe('checkOutputFile', () => {
  it('takes a new file, and a folder still to be made', () => {
    expect(() => checkOutputFile(join(dir, 'new.html'), page)).not.toThrow();
    expect(() => checkOutputFile(join(dir, 'a', 'b', 'new.html'), page)).not.toThrow();
  });

  it('replaces an existing file only with --overwrite, and only one of its kinds', () => {
    const old = join(dir, 'old.html');
    writeFileSync(old, '');
    expect(() => checkOutputFile(old, page)).toThrow(`--out ${old} exists; pass --overwrite to replace it`);
    expect(() => checkOutputFile(old, { ...page, overwrite: true })).not.toThrow();
    const weights = join(dir, 'student.safetensors');
    writeFileSync(weights, '');
    expect(() => checkOutputFile(weights, { ...page, overwrite: true })).toThrow(`--out ${weights} exists and is not a .html file`);
    // Case does not change the kind.
    writeFileSync(join(dir, 'UPPER.HTML'), '');
    expect(() => checkOutputFile(join(dir, 'UPPER.HTML'), { ...page, overwrite: true })).not.toThrow();
  });

  it('never writes over an input, or inside an input folder', () => {
    const log = join(dir, 'logs', 'warm-up.html');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(log, '');
    const rule = { ...page, overwrite: true, inputs: [log] };
    expect(() => checkOutputFile(join(dir, 'logs', '..', 'logs', 'warm-up.html'), rule)).toThrow('is a file this command reads');
    expect(() => checkOutputFile(join(dir, 'logs', 'x.html'), { ...rule, inputs: [join(dir, 'logs')] })).toThrow(`lies inside ${join(dir, 'logs')}, a folder this command reads`);
  });

  it('refuses a folder, and a system folder', () => {
    expect(() => checkOutputFile(join(dir, 'logs'), { ...page, overwrite: true })).toThrow(`--out ${join(dir, 'logs')} is a folder`);
    expect(() => checkOutputFile('/proc/self/x.html', page)).toThrow('--out /proc/self/x.html: /proc is a system folder');
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    expect(() => checkOutputFile(join(file, 'x.html'), page)).toThrow(`--out ${join(file, 'x.html')} cannot be written: ${file} is a file, not a folder`);
  });
});
