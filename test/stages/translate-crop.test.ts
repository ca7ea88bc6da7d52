// A crop the translator cannot train on is refused before any data is read, naming the
// smallest crop it takes (libtorch said "Kernel size can't be greater than actual input
// size" at the first step); the sides the walk allows are the ones libtorch runs.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { Discriminator, ImageDecoder, ImageEncoder, smallestTranslatorSide, TRANSLATOR_PRESETS, translatorTakes } from '../../src/models/index.js';
import { checkTranslatorCrop, runTranslate } from '../../src/stages/translate.js';
import { dispose, randn, type Tensor } from '../../src/tensor/index.js';

/** Whether the tiny translator's networks run a real and a translated image of `side` x `side` through every network. */
function libtorchTakes(side: number): boolean {
  const p = TRANSLATOR_PRESETS.tiny;
  const nets = [new ImageEncoder(p.encoder), new ImageDecoder(p.decoder), new Discriminator(p.discriminator)] as const;
  const [enc, dec, dis] = nets;
  const made: Tensor[] = [];
  try {
    const x = randn([1, 3, side, side]);
    made.push(x);
    const code = enc.forward(x, { grad: false });
    made.push(code);
    const image = dec.forward(code, { grad: false });
    made.push(image, enc.forward(image, { grad: false }));
    made.push(...dis.forward(x, { grad: false }), ...dis.forward(image, { grad: false }));
    return true;
  } catch (err) {
    expect((err as Error).message).toMatch(/Kernel size can't be greater than actual input size|Padding size should be less than|more than 1 spatial element/);
    return false;
  } finally {
    dispose(made);
    for (const n of nets) n.dispose();
  }
}

describe('the translator\'s smallest crop', () => {
  test('64 pixels a side for every preset, as libtorch agrees', () => {
    for (const name of ['published', 'small', 'tiny'] as const) expect(smallestTranslatorSide(TRANSLATOR_PRESETS[name]), name).toBe(64);
    for (const side of [32, 48, 60, 61, 63, 64, 65, 72, 96]) {
      expect(libtorchTakes(side), `side ${side}`).toBe(translatorTakes(TRANSLATOR_PRESETS.tiny, side));
    }
    expect(translatorTakes(TRANSLATOR_PRESETS.tiny, 63)).toBe(false);
  });

  test('translate --crop-size 32x64 is refused before training, naming the minimum', async () => {
    const refusal =
      '--crop-size 32x64 is too small for the published translator, which takes crops of at least 64x64 ' +
      '(its discriminator halves a crop 2 times, then 4 more at each scale); give --crop-size 64x64 or larger';
    expect(() => checkTranslatorCrop({ cropSize: [32, 64], translator: 'published' })).toThrow(refusal);
    expect(() => checkTranslatorCrop({ cropSize: [64, 96], translator: 'tiny' })).not.toThrow();
    // The whole stage: refused before it looks for the data (there is none at this path).
    const cfg = resolveConfig({ preset: 'gta5', overrides: { cropSize: [32, 64], sourceDataPath: '/nonexistent/gta5', device: 'cpu' } });
    await expect(runTranslate(cfg)).rejects.toThrow(refusal);
  });
});
