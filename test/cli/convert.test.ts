import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readSafetensorsHeader, readStateDict, writeSafetensors } from '../../src/checkpoint/index.js';
import { runDiga as diga } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (n: string) => new URL(`../fixtures/${n}`, import.meta.url).pathname;

describe.skipIf(!existsSync('dist/cli/main.js'))('diga convert', () => {
  test('safetensors → safetensors keeps the metadata (model, stage, iteration, mIoU)', () => {
    const src = join(dir, 'with-meta.safetensors');
    const meta = { model: '{"widths":[8]}', stage: 'warm-up', iteration: '1000', miou: '0.42' };
    writeSafetensors(src, readStateDict(fixture('tiny_state_dict.safetensors')), meta);
    const out = join(dir, 'copy.safetensors');
    expect(diga('convert', src, out).status).toBe(0);
    expect(readSafetensorsHeader(out).metadata).toMatchObject(meta);
  });

  test('legacy .pth → safetensors → zip .pth keeps every tensor, checked against a preset', () => {
    const st = join(dir, 'tiny.safetensors');
    const r = diga('convert', fixture('tiny_state_dict_legacy.pth'), st, '--model', 'tiny');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/fits tiny/);
    const pth = join(dir, 'tiny.pth');
    expect(diga('convert', st, pth).status).toBe(0);
    const ref = readStateDict(fixture('tiny_state_dict.safetensors'));
    for (const file of [st, pth]) {
      const got = readStateDict(file);
      expect([...got.keys()]).toEqual([...ref.keys()]);
      for (const [k, v] of ref) expect(got.get(k)!.data.equals(v.data), k).toBe(true);
    }
  });

  test('a state dict that does not fit the preset is refused with the reason', () => {
    const r = diga('convert', fixture('tiny_state_dict_zip.pth'), join(dir, 'x.safetensors'), '--model', 'hrnet18-small');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/does not fit --model hrnet18-small/);
    // The advice names what a command-line user can change.
    expect(r.out).toContain('Give --model the preset it was trained with');
    expect(r.out).not.toContain('strict');
    expect(existsSync(join(dir, 'x.safetensors'))).toBe(false);
  });

  test('an existing output is replaced only with --overwrite, and never the input', () => {
    const out = join(dir, 'existing.safetensors');
    expect(diga('convert', fixture('tiny_state_dict.safetensors'), out).status).toBe(0);
    const before = readFileSync(out);
    const r = diga('convert', fixture('tiny_state_dict_zip.pth'), out);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`<out> ${out} exists; pass --overwrite to replace it`);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(diga('convert', fixture('tiny_state_dict_zip.pth'), out, '--overwrite').status).toBe(0);
    const self = diga('convert', out, out, '--overwrite');
    expect(self.status).toBe(1);
    expect(self.out).toContain(`<out> ${out} is a file this command reads`);
  });
});
