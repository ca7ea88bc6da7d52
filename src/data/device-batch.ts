// From loader batches (uint8 buffers) to device tensors: uploaded as uint8
// (4× less to copy than float) and normalised on the device.
import type { Batch } from './loader.js';
import { NORMALISATION, type ChannelOrder } from './normalise.js';
import { fromBuffer, noGrad, type Tensor } from '../tensor/index.js';

export interface DeviceBatch {
  /** Normalised images, N×3×H×W float32, channels in the order uploadBatch was given. */
  images: Tensor;
  /** Train ids, N×H×W int64 (255 = ignore). */
  labels: Tensor;
  /** Pseudo-label train ids, N×H×W int64, when the dataset has them. */
  pseudo?: Tensor;
  names: string[];
  n: number;
}

function upload(buf: Buffer, shape: number[], device: string): Tensor {
  const host = fromBuffer(buf, 'uint8', shape);
  if (device === 'cpu') return host;
  // Page-locked staging lets the copy overlap with compute.
  const pinned = host.pinMemory();
  host.dispose();
  const out = pinned.to({ device, nonBlocking: true });
  pinned.dispose();
  return out;
}

function toIds(u8: Tensor): Tensor {
  const ids = u8.long();
  u8.dispose();
  return ids;
}

/** Uploads a batch; `order` is the channel order the network takes (a model family's `inputOrder`). */
export function uploadBatch(batch: Batch, device: string, order: ChannelOrder = 'rgb'): DeviceBatch {
  return noGrad(() => {
    const { n, height: h, width: w } = batch;
    const raw = upload(batch.images, [n, h, w, 3], device);
    const images = NORMALISATION.fromUint8Nhwc(raw, order);
    raw.dispose();
    const out: DeviceBatch = { images, labels: toIds(upload(batch.labels, [n, h, w], device)), names: batch.names, n };
    if (batch.pseudo) out.pseudo = toIds(upload(batch.pseudo, [n, h, w], device));
    return out;
  });
}

export function disposeBatch(b: DeviceBatch): void {
  b.images.dispose();
  b.labels.dispose();
  b.pseudo?.dispose();
}
