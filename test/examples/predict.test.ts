// The example runs as a user would run it: importing the built package by name.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'diga-example-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync('dist/index.js'))('examples/predict.ts', () => {
  test('writes an overlay and reports class shares that sum to one', async () => {
    const diga = await import('diga');
    const { predictOverlay } = await import('../../examples/predict.js');
    const model = new diga.SegModel('tiny');
    diga.saveTensors(join(dir, 'student.safetensors'), model.stateDict(), { model: JSON.stringify(model.config) });
    model.dispose();
    const pixels = Buffer.alloc(40 * 80 * 3, 90);
    const image = join(dir, 'street.png');
    (await import('node:fs')).writeFileSync(image, await diga.encodeRgb({ data: pixels, width: 80, height: 40 }, 'png'));
    const out = join(dir, 'overlay.jpg');
    const shares = await predictOverlay({ weights: join(dir, 'student.safetensors'), image, out });
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect((await diga.readImage(out)).width).toBe(80);
  });
});
