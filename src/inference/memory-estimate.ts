// The peak memory of predicting one image, estimated from its size before it is decoded, so
// that `diga predict` and `Predictor` can refuse, or warn about, an image the machine cannot
// hold. Per image pixel, every float32 map at the image's size is 4 bytes a channel:
//
//   peak = fixed + pixels × live + min(pixels × (total − live), cache limit)
//
// - fixed: the process with the network loaded: BASE, plus the weights and their folded and
//   Winograd-transformed copies (WEIGHT_COPIES × 4 bytes a parameter); with sliding windows,
//   also one window's activations.
// - total: every byte the prediction allocates: the image and its normalised copy (IMAGE),
//   each scale's logits resized to the image and their running maximum (2 × scales − 1 maps of
//   4 × classes bytes), and the network's activations at each scale (NETWORK per input pixel,
//   × scale²). With sliding windows, each scale's window sums instead of the network.
// - live: what is held at once: the logits maps and arg-max, or the network's activations at
//   its largest scale, whichever is more.
// - The rest is freed, but the CPU tensor cache (native/runtime/cpu_cache.cc) keeps freed blocks
//   by size for the next request of that size. One large image asks for many sizes once, so
//   they stay with the process, up to the cache's limit (a quarter of RAM by default,
//   DIGA_CPU_CACHE_MB; none with DIGA_CPU_CACHE=off).
//
// The constants are fitted to the peak RSS ("Maximum resident set size") of
//
//   DIGA_CPU_CACHE_MB=<limit> /usr/bin/time -v diga predict img.png --weight-dir w --out o \
//     --save train-ids --no-progress [flags]
//
// on one generated PNG, with random weights, on a 2-core x86-64 machine with 23.4 GiB of RAM,
// float32 on the CPU. MiB, with a cache limit no image here reaches (20000) unless another is
// given; the 64x64 run is the fixed part:
//
//   preset         image      flags                          peak MiB
//   tiny           64x64      (default scales 1,0.5)              266
//   tiny           2048x2048                                     2221
//   tiny           2048x2048  --scales 1                         1506
//   tiny           2048x2048  --scales 1,0.5,0.75                3287
//   tiny           2048x2048  --flip                             2277
//   tiny           2048x2048  --sliding 512x512                  1616
//   tiny           2048x2048  --sliding 512x512 --scales 1        928
//   tiny           4096x4096                                     8033
//   tiny           4096x4096  (cache limit 1000)                 5130
//   tiny           4096x4096  (default limit, 5.86 GB)           7999
//   hrnet18-small  64x64                                          295
//   hrnet18-small  2048x2048                                     4430
//   hrnet48        64x64                                         1867
//   hrnet48        1024x1024  --scales 1,0.5,0.75                6921
//   hrnet48        2048x2048                                    14891
//   hrnet48        2048x2048  --scales 1                        11865
//   hrnet48        2048x2048  --sliding 512x512                  3857
//   hrnet48        2048x2048  (cache limit 1000)                 7776
//   hrnet48        2048x2048  (default limit, 5.86 GB)          10491
//   deeplabv2      64x64                                          823
//   deeplabv2      1024x1024                                     2626
//
// The formula gives these within −3 % and +7 %, except where the cache limit is reached: it
// then assumes the live peak and a full cache at once, which do not quite meet, and is up to
// 21 % high (hrnet48 at 2048x2048 and the default limit: 10491 MiB measured, 12632 estimated).
// Before freeing each forward's other outputs at once and dividing the window sums in place
// (predictor.ts, sliding.ts), with the default limit: tiny 4096x4096 --sliding 512x512 peaked at
// 5812 MiB (now 5509), hrnet48 2048x2048 --sliding 512x512 at 3936 (now 3860); with
// DIGA_CPU_CACHE=off, tiny 4096x4096 at 5644 MiB (now 4576). Predictions are bit for bit the same.
import type { Size2 } from './multiscale.js';

/** What the network costs, from its family and config (networkCost). */
export interface NetworkCost {
  /** A name for messages: the preset, or the family of a custom config. */
  name: string;
  /** Bytes of the process with the network loaded, before any image. */
  fixed: number;
  /** Bytes the network's forward allocates per input pixel (all of them, freed or not). */
  perPixel: number;
}

export interface MemorySettings {
  network: NetworkCost;
  classes: number;
  /** Image-size factors fused by maximum. */
  scales: readonly number[];
  flip: boolean;
  /** Window size (height, width), or null: the whole image at once. */
  sliding: Size2 | null;
  /** Bytes the CPU tensor cache may keep; 0 with the cache off. */
  cacheLimit: number;
}

/** node, libtorch and the addon, with nothing loaded (tiny at 64x64 less its weights). */
const BASE = 272e6;
/** Float copies of each parameter a loaded network holds (the weights, folded, Winograd-transformed). */
const WEIGHT_COPIES: Record<string, number> = { 'hrnet-ocr': 6, deeplabv2: 2.25 };
/** Bytes per image pixel outside the network and logits, all allocated: the RGB, its float copies, the arg-max. */
const IMAGE = 78;
/** Of those, held at the peak. */
const IMAGE_LIVE = 20;
/** Of the network's allocations, the share held at its peak (hrnet48 with a 1000 MiB cache limit). */
const NETWORK_LIVE = 0.52;
/** Bytes per pixel of a resized input (float32 RGB), and of the mirrored input with --flip. */
const INPUT = 12;

/**
 * Network bytes per input pixel (all allocated over one forward) at a width (widthOf), fitted
 * to the table above: tiny, hrnet18-small and hrnet48; deeplabv2. Between them linear, past
 * them along the nearest segment (through zero below a family's single point).
 */
const NETWORK_PER_PIXEL: Record<string, Array<[width: number, bytes: number]>> = {
  'hrnet-ocr': [
    [200, 156],
    [430, 583],
    [1552, 2450],
  ],
  deeplabv2: [[960, 1198]],
};

/** A size for interpolation: the channels most feature maps carry (hrnet: its stem, stage 1, branches and OCR; deeplabv2: its layers). */
function widthOf(family: string, config: Record<string, unknown>): number {
  const sum = (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, b: number) => a + b, 0) : 0);
  if (family === 'deeplabv2') return sum(config.widths);
  return sum(config.widths) + Number(config.pixelChannels) + 4 * Number(config.stage1Width) + Number(config.stemWidth);
}

function interpolate(points: Array<[number, number]>, x: number): number {
  if (points.length === 1) return (points[0][1] * x) / points[0][0];
  let i = 0;
  while (i < points.length - 2 && x > points[i + 1][0]) i++;
  const [[x0, y0], [x1, y1]] = [points[i], points[i + 1]];
  return Math.max(0, y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
}

/**
 * The cost of a network of `family` with `config` and `parameters` parameters. A family not
 * measured here (or an ONNX file, family null) is taken as the paper's hrnet48.
 */
export function networkCost(name: string, family: string | null, config: object | null, parameters: number): NetworkCost {
  const points = family === null ? undefined : NETWORK_PER_PIXEL[family];
  const perPixel = points && config ? interpolate(points, widthOf(family!, config as Record<string, unknown>)) : NETWORK_PER_PIXEL['hrnet-ocr'][2][1];
  const copies = (family !== null && WEIGHT_COPIES[family]) || WEIGHT_COPIES['hrnet-ocr'];
  return { name, fixed: BASE + copies * 4 * parameters, perPixel };
}

/** Estimated peak bytes of predicting one height×width image with these settings. */
export function estimatePeakBytes(height: number, width: number, s: MemorySettings): number {
  const pixels = height * width;
  const map = 4 * s.classes;
  const k = s.scales.length;
  const area = (f: number) => f * f;
  const sumArea = s.scales.reduce((a, f) => a + area(f), 0);
  const resized = s.scales.filter((f) => f !== 1);
  let fixed = s.network.fixed;
  let total: number;
  let live: number;
  if (s.sliding) {
    // Each scale's window sums (and counts) at its size, resized to the image unless it is
    // the image's size, and fused; the network runs on one window at a time.
    const windowPixels = Math.max(...s.scales.map((f) => Math.min(s.sliding![0], Math.round(height * f)) * Math.min(s.sliding![1], Math.round(width * f))));
    fixed += windowPixels * (s.network.perPixel + (s.flip ? INPUT : 0));
    const logits = (map + 4) * sumArea + map * resized.length + map * (k - 1);
    total = IMAGE + INPUT * resized.reduce((a, f) => a + area(f), 0) + logits;
    live = IMAGE_LIVE + logits;
  } else {
    const logits = map * (2 * k - 1);
    const flip = s.flip ? INPUT * sumArea : 0;
    total = IMAGE + logits + s.network.perPixel * sumArea + flip;
    live = IMAGE_LIVE + flip + Math.max(logits + 16, NETWORK_LIVE * s.network.perPixel * Math.max(...s.scales.map(area)));
  }
  return fixed + pixels * live + Math.min(pixels * (total - live), s.cacheLimit);
}

/** Bytes as people read them: "15.7 GB", "850 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}
