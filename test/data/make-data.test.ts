import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { parseSize, registerMakeData } from '../../src/cli/commands/make-data.js';
import { readPairedLists } from '../../src/data/lists.js';
import { tempDir } from './helpers.js';

function program(): Command {
  const p = new Command('diga').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerMakeData(p);
  return p;
}

describe('diga make-data', () => {
  it('generates a dataset from the command line and prints a JSON summary', async () => {
    const out = path.join(tempDir('cli'), 'synthetic');
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      await program().parseAsync(['make-data', '--out', out, '--train', '4', '--val', '1', '--size', '64x128', '--seed', '3', '--labelled-fraction', '0.5', '--shift', 'fog', '--json'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const summary = JSON.parse(printed);
    expect(summary).toMatchObject({ train: 4, val: 1, height: 64, width: 128, seed: 3, shift: 'fog', labelled: 2, splitName: '1-2' });
    expect(await readPairedLists(summary.lists.unlabelled.images, summary.lists.unlabelled.labels)).toHaveLength(2);

    // Into the same folder again: refused, unless --overwrite replaces the dataset there.
    const again = ['make-data', '--out', out, '--train', '2', '--val', '1', '--size', '64x128', '--json'];
    await expect(program().parseAsync(again, { from: 'user' })).rejects.toThrow(`${out} is not empty`);
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync([...again, '--overwrite'], { from: 'user' });
    } finally {
      quiet.mockRestore();
    }
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.join(out, 'leftImg8bit', 'train'), { recursive: true }).filter((f) => String(f).endsWith('.png'))).toHaveLength(2);
  });

  it('rejects bad arguments', async () => {
    await expect(program().parseAsync(['make-data', '--size', '64by128'], { from: 'user' })).rejects.toThrow(/HxW/);
    await expect(program().parseAsync(['make-data', '--train', '-3'], { from: 'user' })).rejects.toThrow(/integer/);
    await expect(program().parseAsync(['make-data', '--shift', 'rain'], { from: 'user' })).rejects.toThrow(/rain/);
    await expect(program().parseAsync(['make-data', '--labelled-fraction', '2'], { from: 'user' })).rejects.toThrow(/\(0, 1\]/);
    expect(parseSize('256x512')).toEqual({ height: 256, width: 512 });
  });
});
