// Path comparison that `..` and links cannot get round.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWithin, leavesFolder, realPath, samePath } from '../../src/paths/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-real-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('real paths', () => {
  it('a relative path leaves its folder only by climbing above it', () => {
    expect(leavesFolder('../x.png')).toBe(true);
    expect(leavesFolder('a/../../x.png')).toBe(true);
    expect(leavesFolder('/abs/x.png')).toBe(true);
    expect(leavesFolder('a/../x.png')).toBe(false);
    expect(leavesFolder('..x/y.png')).toBe(false);
    expect(leavesFolder('')).toBe(false);
  });

  it('follows links, also for paths that do not exist yet', () => {
    mkdirSync(join(dir, 'real', 'inner'), { recursive: true });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(realPath(join(dir, 'link', 'inner', 'new', 'file.png'))).toBe(join(realPath(dir), 'real', 'inner', 'new', 'file.png'));
    expect(samePath(join(dir, 'link', 'inner'), join(dir, 'real', 'inner'))).toBe(true);
    expect(isWithin(join(dir, 'link', 'inner', 'x.png'), join(dir, 'real'))).toBe(true);
    expect(isWithin(join(dir, 'real'), join(dir, 'real'))).toBe(true);
    expect(isWithin(join(dir, 'real', '..', 'other'), join(dir, 'real'))).toBe(false);
    expect(isWithin(join(dir, 'real-2'), join(dir, 'real'))).toBe(false);
  });
});
