// Sample grids: device tensors to pictures, only on the steps that write one.
import { join } from 'node:path';
import { NORMALISATION, type ChannelOrder } from '../data/normalise.js';
import type { LabelMap, RgbImage } from '../data/images.js';
import { writeSampleGrid, type GridRow } from '../data/writers.js';
import type { RunConfig } from '../config/schema.js';
import { F, noGrad, Tensor, tidy } from '../tensor/index.js';

/** Sample b of a normalised N×3×H×W batch (channels in `order`) as an RGB picture. */
export function pictureOf(images: Tensor, b: number, order: ChannelOrder = 'rgb'): RgbImage {
  return noGrad(() =>
    tidy(() => {
      const rgb = NORMALISATION.toUint8Nhwc(images.narrow(0, b, 1), order);
      const [, height, width] = rgb.shape;
      return { data: rgb.toBuffer(), width, height };
    }),
  );
}

/** Sample b of an N×H×W label/prediction tensor as a label map. */
export function labelMapOf(labels: Tensor, b: number): LabelMap {
  return noGrad(() =>
    tidy(() => {
      const ids = labels.select(0, b).clamp(0, 255).to('uint8');
      const [height, width] = ids.shape;
      return { data: ids.toBuffer(), width, height };
    }),
  );
}

export interface GridColumn {
  image: Tensor;
  maps: Tensor[];
}

/** Writes one grid row per sample and per column group: image | maps ... (images normalised in channel `order`). */
export async function writeGrid(dir: string, name: string, columns: GridColumn[], samples: number, order: ChannelOrder = 'rgb'): Promise<string> {
  const rows: GridRow[] = [];
  for (let b = 0; b < samples; b++) {
    for (const c of columns) rows.push({ image: pictureOf(c.image, b, order), maps: c.maps.map((m) => labelMapOf(m, b)) });
  }
  const file = join(dir, `${name}.jpg`);
  await writeSampleGrid(file, rows, { cellWidth: 384 });
  return file;
}

/** Arg-max train ids of logits (N×C×h×w) at the labels' size (N×H×W). */
export function predictionAt(logits: Tensor, labels: Tensor): Tensor {
  const size: [number, number] = [labels.shape[1], labels.shape[2]];
  return noGrad(() => tidy(() => F.interpolate(logits, { size, mode: 'bilinear', alignCorners: true }).argmax(1)));
}

/** True on the steps (0-based `iter`) whose sample grid will be written. */
export function isPictureStep(cfg: Pick<RunConfig, 'imageEvery'>, iter: number): boolean {
  return cfg.imageEvery > 0 && (iter + 1) % cfg.imageEvery === 0;
}

/** What a step keeps for its sample grid: named tensors, in named groups. */
export interface PictureTensors {
  [name: string]: Tensor | PictureTensors | undefined;
}

/** Every tensor of a picture record (to be freed with the step). */
export function tensorsOf(record: PictureTensors): Tensor[] {
  return Object.values(record).flatMap((v) => (v === undefined ? [] : v instanceof Tensor ? [v] : tensorsOf(v)));
}
