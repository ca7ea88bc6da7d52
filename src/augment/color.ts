// Photometric image operations on (C=3, H, W) or (N, 3, H, W) float tensors,
// with torchvision's tensor semantics (values clamped to [0, 1] by each blend).
import { F, onesLike, stack, tensor, type Tensor } from '../tensor/index.js';

/** ITU-R 601-2 luma, as torchvision's rgb_to_grayscale; keeps a channel dim of 1. */
export function grayscale(img: Tensor): Tensor {
  const c = img.ndim - 3;
  const [r, g, b] = img.unbind(c);
  return r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114)).unsqueeze(c);
}

/** factor·a + (1 − factor)·b, clamped to [0, 1] (torchvision's _blend for float images). */
function blend(a: Tensor, b: Tensor | number, factor: number): Tensor {
  const mixed = typeof b === 'number' ? a.mul(factor).add((1 - factor) * b) : a.mul(factor).add(b.mul(1 - factor));
  return mixed.clamp(0, 1);
}

export function adjustBrightness(img: Tensor, factor: number): Tensor {
  return blend(img, 0, factor);
}

export function adjustContrast(img: Tensor, factor: number): Tensor {
  const dims = img.ndim === 3 ? [0, 1, 2] : [1, 2, 3];
  return blend(img, grayscale(img).mean(dims, true), factor);
}

export function adjustSaturation(img: Tensor, factor: number): Tensor {
  return blend(img, grayscale(img), factor);
}

/** Rotates hue by `shift` turns (in [−0.5, 0.5]) through HSV, as torchvision does for tensors. */
export function adjustHue(img: Tensor, shift: number): Tensor {
  const c = img.ndim - 3;
  const x = img;
  const [r, g, b] = x.unbind(c);
  const maxc = x.amax(c);
  const minc = x.amin(c);
  const eqc = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const ones = onesLike(maxc);
  const s = cr.div(ones.where(eqc, maxc));
  const crDivisor = ones.where(eqc, cr);
  const rc = maxc.sub(r).div(crDivisor);
  const gc = maxc.sub(g).div(crDivisor);
  const bc = maxc.sub(b).div(crDivisor);
  const hr = bc.sub(gc).mul(maxc.eq(r).float());
  const hg = rc.sub(bc).add(2).mul(maxc.eq(g).logicalAnd(maxc.ne(r)).float());
  const hb = gc.sub(rc).add(4).mul(maxc.ne(g).logicalAnd(maxc.ne(r)).float());
  const h = hr.add(hg).add(hb).div(6).add(1).remainder(1);
  const hue = h.add(shift).remainder(1);
  return hsvToRgb(hue, s, maxc, c);
}

function hsvToRgb(h: Tensor, s: Tensor, v: Tensor, channelDim: number): Tensor {
  const h6 = h.mul(6);
  const i = h6.floor();
  const f = h6.sub(i);
  const sector = i.remainder(6).long();
  const p = v.mul(s.neg().add(1)).clamp(0, 1);
  const q = v.mul(s.mul(f).neg().add(1)).clamp(0, 1);
  const t = v.mul(s.mul(f.neg().add(1)).neg().add(1)).clamp(0, 1);
  // For each output channel, the HSV sector picks one of (v, q, p, t).
  const table = [
    [v, q, p, p, t, v],
    [t, v, v, q, p, p],
    [p, p, t, v, v, q],
  ];
  const channels = table.map((row) => {
    const candidates = stack(row, 0);
    return candidates.gather(0, sector.unsqueeze(0)).squeeze(0);
  });
  return stack(channels, channelDim);
}

function gaussianKernel1d(size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  const raw = Array.from({ length: size }, (_, k) => Math.exp(-0.5 * ((k - half) / sigma) ** 2));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / sum);
}

function depthwise(img: Tensor, kernel: Tensor, padding: 'reflect' | 'none'): Tensor {
  const batched = img.ndim === 3 ? img.unsqueeze(0) : img;
  const channels = batched.shape[1];
  const weight = kernel.to({ dtype: img.dtype, device: img.device }).expand(channels, 1, kernel.shape[2], kernel.shape[3]).contiguous();
  const ph = (kernel.shape[2] - 1) / 2;
  const pw = (kernel.shape[3] - 1) / 2;
  const input = padding === 'reflect' ? F.reflectionPad2d(batched, [pw, pw, ph, ph]) : batched;
  const out = F.conv2d(input, weight, null, { groups: channels });
  return img.ndim === 3 ? out.squeeze(0) : out;
}

/** Gaussian blur with a size×size kernel and reflect padding (torchvision.transforms.GaussianBlur). */
export function gaussianBlur(img: Tensor, size: number, sigma: number): Tensor {
  const k = gaussianKernel1d(size, sigma);
  const kernel2d = k.map((a) => k.map((b) => a * b));
  return depthwise(img, tensor([[kernel2d]]), 'reflect');
}

/** torchvision's adjust_sharpness: blend with a smoothed copy whose border pixels stay unchanged. */
export function adjustSharpness(img: Tensor, factor: number): Tensor {
  const kernel = tensor([[[[1, 1, 1], [1, 5, 1], [1, 1, 1]]]]).div(13);
  const smooth = depthwise(img, kernel, 'none');
  const h = img.shape[img.ndim - 2];
  const w = img.shape[img.ndim - 1];
  const degenerate = img.clone();
  degenerate.slice(img.ndim - 2, 1, h - 1).slice(img.ndim - 1, 1, w - 1).copy_(smooth);
  return blend(img, degenerate, factor);
}
