// Segment one picture with trained weights and save it with its colours laid over it:
// the predictor API used directly.
//
//   npx tsx examples/predict.ts --weights work_dir/demo/self-train-round2 --image street.jpg --out street-overlay.jpg
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPredictor, encodeRgb, overlay, readImage } from 'diga';

export interface OverlayOptions {
  /** A weight folder or a weights file. */
  weights: string;
  image: string;
  out: string;
  opacity?: number;
}

/** Writes the overlay; returns the share of pixels of each class that occurs. */
export async function predictOverlay(o: OverlayOptions): Promise<Record<string, number>> {
  const predictor = await createPredictor({ weights: o.weights, scales: [1] });
  try {
    const image = await readImage(o.image);
    const p = await predictor.predict(readFileSync(o.image));
    const map = { data: Buffer.from(p.trainIds), width: p.width, height: p.height };
    writeFileSync(o.out, await encodeRgb(overlay(image, map, o.opacity ?? 0.5, predictor.labels), 'jpeg'));
    const shares: Record<string, number> = {};
    for (const id of p.trainIds) shares[predictor.labels.classNames[id]] = (shares[predictor.labels.classNames[id]] ?? 0) + 1 / p.trainIds.length;
    return shares;
  } finally {
    predictor.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { weights: { type: 'string' }, image: { type: 'string' }, out: { type: 'string' } } });
  if (!values.weights || !values.image || !values.out) throw new Error('usage: predict.ts --weights <dir|file> --image <file> --out <file.jpg>');
  const shares = await predictOverlay({ weights: values.weights, image: values.image, out: values.out });
  for (const [name, share] of Object.entries(shares).sort((a, b) => b[1] - a[1])) console.log(`${name.padEnd(14)} ${(100 * share).toFixed(1)}%`);
}
