// Input normalisation (docs/method.md §1): x = (rgb − m) / 128 per channel, rgb in 0..255.
// Batches are uploaded as uint8 and normalised on the device.
import { noGrad, tensor, tidy, type Tensor } from '../tensor/index.js';

export const MEAN_RGB = [122.67891434, 116.66876762, 104.00698793] as const;
export const SCALE = 128;

function meanOf(like: Tensor): Tensor {
  const shape = like.ndim === 4 ? [1, 3, 1, 1] : [3, 1, 1];
  const dtype = like.dtype === 'uint8' ? 'float32' : like.dtype;
  return tensor([...MEAN_RGB], { dtype: 'float32' }).reshape(shape).to({ device: like.device, dtype });
}

export const NORMALISATION = {
  /** uint8 NHWC images (as decoded) → normalised float32 NCHW. */
  fromUint8Nhwc(images: Tensor): Tensor {
    return noGrad(() => tidy(() => {
      const f = images.permute(0, 3, 1, 2).float();
      return f.sub(meanOf(f)).div(SCALE).contiguous();
    }));
  },
  /** Normalised → rgb/255 in [0, 1]. */
  toUnit(x: Tensor): Tensor {
    return tidy(() => x.mul(SCALE).add(meanOf(x)).div(255));
  },
  /** rgb/255 → normalised. */
  fromUnit(u: Tensor): Tensor {
    return tidy(() => u.mul(255).sub(meanOf(u)).div(SCALE));
  },
  /** Normalised float NCHW → uint8 NHWC (for pictures). */
  toUint8Nhwc(x: Tensor): Tensor {
    return noGrad(() => tidy(() => x.mul(SCALE).add(meanOf(x)).round().clamp(0, 255).to('uint8').permute(0, 2, 3, 1).contiguous()));
  },
};
