// The folder a command writes into: refused before any work, with the real cause.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputFolder, makeOutputFolder, writeCause } from '../../src/paths/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-output-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('output folders', () => {
  it('refuses /proc, /sys and /dev, but not /dev/shm', () => {
    expect(() => checkOutputFolder('/proc/self/x', '--out')).toThrow('--out /proc/self/x: /proc is a system folder; diga writes no files there');
    expect(() => checkOutputFolder('/sys/x', '--out')).toThrow('/sys is a system folder');
    expect(() => checkOutputFolder('/dev/x', '--out')).toThrow('/dev is a system folder');
    if (existsSync('/dev/shm')) expect(() => checkOutputFolder('/dev/shm/diga-x', '--out')).not.toThrow();
  });

  it('refuses a file, or a folder to be made below one, and makes a missing folder', () => {
    const file = join(dir, 'a.png');
    writeFileSync(file, '');
    expect(() => checkOutputFolder(file, '--out')).toThrow(`--out ${file}: ${file} is a file, not a folder`);
    expect(() => makeOutputFolder(join(file, 'sub'), '--out')).toThrow(`${file} is a file, not a folder`);
    makeOutputFolder(join(dir, 'new', 'deeper'), '--out');
    expect(existsSync(join(dir, 'new', 'deeper'))).toBe(true);
  });

  it('words the system errors of writing as their cause', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(writeCause('/d', err('EROFS'))).toBe('/d is on a read-only file system');
    expect(writeCause('/d', err('EACCES'))).toBe('no permission to write in /d');
    expect(writeCause('/d', err('ENOENT'))).toBe('the folder /d does not exist');
    expect(writeCause('/d', err('EIO'))).toBe('EIO: raw');
  });
});
