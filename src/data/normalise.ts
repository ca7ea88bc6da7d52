// Input normalisation (docs/method.md §1): x = (rgb − m) / 128 per channel, rgb in 0..255.
// The adaptation setting's DeepLabV2 (a Caffe-converted ResNet) takes the same values with
// channels in B, G, R order (DIGA-UDA.md §1). Batches are uploaded as uint8 (always RGB, as
// decoded) and normalised on the device.
import { noGrad, tensor, tidy, type Tensor } from '../tensor/index.js';

export const MEAN_RGB = [122.67891434, 116.66876762, 104.00698793] as const;
export const MEAN_BGR = [MEAN_RGB[2], MEAN_RGB[1], MEAN_RGB[0]] as const;
export const SCALE = 128;

/** The channel order of normalised tensors: what the network takes. */
export type ChannelOrder = 'rgb' | 'bgr';
export const CHANNEL_ORDERS: readonly ChannelOrder[] = ['rgb', 'bgr'];

function checkOrder(order: ChannelOrder): void {
  if (!CHANNEL_ORDERS.includes(order)) throw new Error(`unknown channel order ${String(order)}; expected rgb or bgr`);
}

function meanOf(like: Tensor, order: ChannelOrder): Tensor {
  checkOrder(order);
  const shape = like.ndim === 4 ? [1, 3, 1, 1] : [3, 1, 1];
  const dtype = like.dtype === 'uint8' ? 'float32' : like.dtype;
  return tensor([...(order === 'bgr' ? MEAN_BGR : MEAN_RGB)], { dtype: 'float32' }).reshape(shape).to({ device: like.device, dtype });
}

/** Reverses the channels of an NCHW (or CHW) tensor: RGB ⇄ BGR. */
function swapChannels(x: Tensor): Tensor {
  return x.flip(x.ndim === 4 ? 1 : 0);
}

export const NORMALISATION = {
  /** uint8 NHWC RGB images (as decoded) → normalised float32 NCHW in `order`. */
  fromUint8Nhwc(images: Tensor, order: ChannelOrder = 'rgb'): Tensor {
    return noGrad(() => tidy(() => {
      const rgb = images.permute(0, 3, 1, 2).float();
      const f = order === 'bgr' ? swapChannels(rgb) : rgb;
      return f.sub(meanOf(f, order)).div(SCALE).contiguous();
    }));
  },
  /** Normalised → colour/255 in [0, 1], channels kept in `order` (photometric augmentation runs there). */
  toUnit(x: Tensor, order: ChannelOrder = 'rgb'): Tensor {
    return tidy(() => x.mul(SCALE).add(meanOf(x, order)).div(255));
  },
  /** colour/255 in `order` → normalised. */
  fromUnit(u: Tensor, order: ChannelOrder = 'rgb'): Tensor {
    return tidy(() => u.mul(255).sub(meanOf(u, order)).div(SCALE));
  },
  /** Normalised float NCHW in `order` → uint8 NHWC RGB (for pictures). */
  toUint8Nhwc(x: Tensor, order: ChannelOrder = 'rgb'): Tensor {
    return noGrad(() => tidy(() => {
      const colour = x.mul(SCALE).add(meanOf(x, order));
      const rgb = order === 'bgr' ? swapChannels(colour) : colour;
      return rgb.round().clamp(0, 255).to('uint8').permute(0, 2, 3, 1).contiguous();
    }));
  },
};
