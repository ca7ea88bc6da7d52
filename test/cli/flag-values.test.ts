// Flag values refused by the parser, before any work: thread counts the machine cannot use,
// empty sizes and sliding windows too small to label anything.
import { availableParallelism } from 'node:os';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { parsers } from '../../src/cli/options.js';

/** What the parser says about `args` (it stops at --help, after every value is parsed). */
async function parse(...args: string[]): Promise<string> {
  let said = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((said += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await buildProgram().parseAsync([...args, '--help'], { from: 'user' });
  } catch {
    // commander's exit: the help, or the refusal
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
  return said;
}

const cores = availableParallelism();

describe('flag values', () => {
  beforeEach(() => vi.spyOn(process, 'exit').mockImplementation(() => undefined as never));
  afterEach(() => vi.restoreAllMocks());

  test('--threads: 0 (all cores) or 1 to 4x the cores', async () => {
    expect(parsers.threads('0')).toBe(0);
    expect(parsers.threads(String(4 * cores))).toBe(4 * cores);
    for (const bad of ['-1', String(4 * cores + 1), '1.5', 'all']) {
      expect(() => parsers.threads(bad), bad).toThrow(`expected 0 (all cores) or an integer from 1 to ${4 * cores}`);
    }
    expect(await parse('warm-up', '--threads', '100000')).toContain(`expected 0 (all cores) or an integer from 1 to ${4 * cores}`);
    expect(await parse('warm-up', '--threads', '1')).toBe('');
  });

  test('sizes are positive; --sliding windows are at least 32x32', async () => {
    expect(parsers.size('512x1024')).toEqual([512, 1024]);
    expect(() => parsers.size('0x0')).toThrow('height and width must be at least 1x1 pixels');
    expect(await parse('warm-up', '--crop-size', '0x0')).toContain('height and width must be at least 1x1 pixels');
    expect(await parse('predict', '--out', 'o', '--sliding', '0x0')).toContain('windows must be at least 32x32 pixels');
    expect(await parse('predict', '--out', 'o', '--sliding', '16x512')).toContain('windows must be at least 32x32 pixels');
    expect(await parse('predict', '--out', 'o', '--sliding', '32x64')).toBe('');
  });
});
