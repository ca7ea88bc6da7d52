// A trained network applied to any image: decode, normalise, multi-scale max fusion at
// the image's own size (optionally with flip averaging or sliding windows), arg-max.
// `createPredictor` is the API behind `diga predict`. An image over the pixel limit is
// refused from its header, before it is decoded, with an estimate of the memory it would take.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { RunConfig } from '../config/schema.js';
import { PAPER } from '../config/defaults.js';
import { decodeImage, imageSize, readBytes, type ImageSize, type RgbImage } from '../data/images.js';
import { NORMALISATION } from '../data/normalise.js';
import { labelSet, type LabelSet } from '../labels/index.js';
import { SegModel } from '../models/index.js';
import { loadWeightsFrom, weightFile, type WeightRole } from '../models/weights.js';
import { defaultModelOf } from '../models/weights-model.js';
import { plural } from '../plural.js';
import { checkDevice, cpuCache, F, fromBuffer, info, noGrad, stack, tidy, type Tensor } from '../tensor/index.js';
import { inferenceForward, resolveAmp, type AmpMode } from './forward.js';
import { estimatePeakBytes, formatBytes, networkCost, type MemorySettings, type NetworkCost } from './memory-estimate.js';
import { multiScaleLogits, multiScaleLogitsAsync, type ForwardFn, type Size2 } from './multiscale.js';
import { OnnxRunner } from './onnx-runner.js';
import { MIN_WINDOW, slidingForward } from './sliding.js';

export interface PredictorOptions {
  /** A weight folder, or a .safetensors / .pth file; with the onnx backend, a `diga export` file. */
  weights: string;
  /** `torch` (the default): our network; `onnx`: an exported file through onnxruntime-node (CPU). */
  backend?: 'torch' | 'onnx';
  /** Model preset or config; default: the one the weights record, else the paper's hrnet48. */
  model?: string | object;
  /** Use the teacher's weights of a weight folder. */
  teacher?: boolean;
  device?: string;
  /**
   * Autocast. Left out or `auto`: float32 on every device (resolveAmp, for labels). `bf16` is
   * faster where the CPU or GPU computes in it natively, and changes some labels.
   */
  amp?: RunConfig['amp'];
  /** Channels-last memory format; default on the CPU, where it is faster (see the predict bench). */
  channelsLast?: boolean;
  /** BatchNorm folded into the convolutions (default on; off repeats `diga evaluate`'s arithmetic bit for bit). */
  foldBatchNorm?: boolean;
  /**
   * Image-size factors fused by maximum. Default: the published evaluation's sizes as
   * factors of its first (1024×2048 and 512×1024: 1 and 0.5).
   */
  scales?: number[];
  /** Also run each scale on the mirrored image and average the two. */
  flip?: boolean;
  /** Run windows of this size (height, width) over the image instead of the whole image at once. */
  sliding?: Size2 | null;
  /** The label set the network predicts (default cityscapes-19). */
  labels?: string;
  /**
   * Images with more pixels are refused, from their header and before they are decoded, with
   * an estimate of the memory they would take (default 50 megapixels; Infinity: no limit).
   */
  maxPixels?: number;
  /**
   * Said once per image whose estimated peak exceeds the machine's memory, before it is
   * predicted (default: process.emitWarning).
   */
  warn?: (message: string) => void;
}

/** The default pixel limit: 50 megapixels (a 36-megapixel photo takes about 18 GB with the tiny model; see memory-estimate.ts). */
export const DEFAULT_MAX_PIXELS = 50e6;

/** An image over the predictor's pixel limit; `message` names it, its size, the estimate and what to do. */
export class ImageTooLargeError extends Error {
  constructor(
    message: string,
    readonly image: string,
    readonly width: number,
    readonly height: number,
    /** Estimated peak bytes of predicting it with the predictor's settings. */
    readonly estimatedBytes: number,
  ) {
    super(message);
    this.name = 'ImageTooLargeError';
  }
}

export interface Prediction {
  width: number;
  height: number;
  /** H*W train ids (0..classes−1), row-major. */
  trainIds: Uint8Array;
  /** classes×H×W softmax probabilities, when asked for; the caller disposes it. */
  probs?: Tensor;
}

export type PredictInput = string | Buffer | RgbImage;

/** The published evaluation's scales as factors of its output size. */
export function defaultScales(): number[] {
  const [h0] = PAPER.evalScales[0];
  return PAPER.evalScales.map(([h]) => h / h0);
}

/** How a predictor's network runs: natively (torch), or as an exported file in onnxruntime. */
type Backend = { forward: ForwardFn; onnx?: undefined; flip?: undefined } | { onnx: OnnxRunner; flip: boolean; forward?: undefined };

export class Predictor {
  /** The network (null with the onnx backend). */
  readonly model: SegModel | null;
  readonly labels: LabelSet;
  /** The weights file read. */
  readonly weightsFile: string;
  readonly device: string;
  readonly scales: readonly number[];
  /** The autocast it runs under. */
  readonly amp: AmpMode;
  /** Images with more pixels are refused (see PredictorOptions.maxPixels). */
  readonly maxPixels: number;
  /** How the network runs (the torch backend), or the exported file that stands in for it. */
  readonly #backend: Backend;
  /** What the memory estimate of an image needs besides its size. */
  readonly #memory: Omit<MemorySettings, 'cacheLimit'>;
  readonly #warn: (message: string) => void;

  private constructor(
    model: SegModel | null,
    labels: LabelSet,
    weightsFile: string,
    device: string,
    scales: number[],
    amp: AmpMode,
    backend: Backend,
    o: PredictorOptions,
    network: NetworkCost,
  ) {
    this.model = model;
    this.labels = labels;
    this.weightsFile = weightsFile;
    this.device = device;
    this.scales = scales;
    this.amp = amp;
    this.#backend = backend;
    this.maxPixels = o.maxPixels ?? DEFAULT_MAX_PIXELS;
    this.#memory = { network, classes: labels.classes, scales, flip: o.flip ?? false, sliding: o.sliding ?? null };
    this.#warn = o.warn ?? ((message) => process.emitWarning(message));
  }

  static async create(o: PredictorOptions): Promise<Predictor> {
    const device = o.device ?? 'cpu';
    checkDevice(device);
    const scales = o.scales ?? defaultScales();
    if (scales.length === 0 || scales.some((s) => !(s > 0 && s <= 8))) {
      throw new RangeError(`scales must be factors in (0, 8], got ${scales.join(', ')}`);
    }
    if (o.sliding && !(o.sliding.every((n) => Number.isInteger(n) && n >= MIN_WINDOW))) {
      throw new RangeError(`sliding windows must be at least ${MIN_WINDOW}x${MIN_WINDOW} pixels, got ${o.sliding.join('x')}`);
    }
    if (o.maxPixels !== undefined && !(o.maxPixels > 0)) throw new RangeError(`maxPixels must be positive, got ${o.maxPixels}`);
    if (o.backend === 'onnx') return Predictor.#openOnnx(o, scales);
    const role: WeightRole = o.teacher ? 'teacher' : 'student';
    const file = weightFile(o.weights, role);
    const config = o.model ?? defaultModelOf(file);
    const model = new SegModel(config as string).to(device);
    try {
      // SYNTHIA's networks predict its 16 classes.
      const labels = labelSet(o.labels ?? (model.classes === 16 ? 'cityscapes-16' : 'cityscapes-19'));
      if (model.classes !== labels.classes) {
        throw new Error(`the model predicts ${model.classes} classes, but the label set ${labels.name} has ${labels.classes}`);
      }
      loadWeightsFrom(file, role, model, { modelName: typeof config === 'string' ? config : undefined });
      const channelsLast = o.channelsLast ?? device === 'cpu';
      if (channelsLast) model.channelsLast();
      model.eval().foldBatchNorm(o.foldBatchNorm ?? true);
      const amp = resolveAmp(o.amp ?? 'auto', device, 'labels');
      const full = inferenceForward({ amp, channelsLast, device });
      // Only the logits are used: the backbone output and pixel features (for hrnet48 several
      // times the logits' size) are freed at once, not when every scale is fused.
      const plain: ForwardFn = (m, x) => ({ main: tidy(() => full(m, x).main) });
      const flipped: ForwardFn = o.flip
        ? (m, x) => tidy(() => ({ main: plain(m, x).main.add(plain(m, x.flip(3)).main.flip(3)).div(2) }))
        : plain;
      const forward = o.sliding ? slidingForward(o.sliding, flipped) : flipped;
      const network = networkCost(typeof config === 'string' ? config : model.family.name, model.family.name, model.config, model.numParameters());
      return new Predictor(model, labels, file, device, scales, amp, { forward }, o, network);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  static async #openOnnx(o: PredictorOptions, scales: number[]): Promise<Predictor> {
    if ((o.device ?? 'cpu') !== 'cpu') throw new Error('--backend onnx runs on the CPU; leave --device out');
    if (o.sliding) throw new Error('--sliding is not available with --backend onnx');
    const runner = await OnnxRunner.open(o.weights, info().numThreads);
    const labels = labelSet(o.labels ?? runner.labels ?? 'cityscapes-19');
    if (runner.classes !== labels.classes) {
      await runner.dispose();
      throw new Error(`${o.weights} predicts ${runner.classes} classes, but the label set ${labels.name} has ${labels.classes}`);
    }
    // The exported network's family is not read back: estimated as hrnet48, weights from the file's size.
    const network = networkCost('the exported network', null, null, statSync(o.weights).size / 4);
    return new Predictor(null, labels, o.weights, 'cpu', scales, 'off', { onnx: runner, flip: o.flip ?? false }, o, network);
  }

  /** Estimated peak bytes of predicting one image of this size with this predictor (memory-estimate.ts). */
  estimateBytes(size: ImageSize, changes: Partial<Pick<MemorySettings, 'scales' | 'flip' | 'sliding'>> = {}): number {
    const cache = cpuCache.stats();
    return estimatePeakBytes(size.height, size.width, { ...this.#memory, ...changes, cacheLimit: cache.enabled ? cache.limitBytes : 0 });
  }

  /**
   * Refuses an image over maxPixels (an ImageTooLargeError naming it, its size, the estimate
   * and what to do); else returns a warning when its estimate exceeds the machine's memory.
   * `name` (a file, or null for pixels given decoded) names the image in both.
   */
  admit(name: string | null, size: ImageSize): string | undefined {
    const pixels = size.width * size.height;
    const estimate = this.estimateBytes(size);
    const what = `${name === null ? 'an image' : `image ${name}`} (${size.width}x${size.height}, ${megapixels(pixels)})`;
    const peak = `about ${formatBytes(estimate)} at its peak ${this.#describeSettings()}`;
    if (pixels > this.maxPixels) {
      throw new ImageTooLargeError(
        `${what} is over the limit of ${megapixels(this.maxPixels)}: predicting it would take ${peak}; ` +
          `give --max-megapixels ${megapixelsAtLeast(pixels)} to predict it anyway${this.#lowerPeak(size, estimate)}`,
        name ?? '',
        size.width,
        size.height,
        estimate,
      );
    }
    // On a GPU the network's memory is the GPU's, not the machine's.
    if (this.device !== 'cpu' || estimate <= totalmem()) return undefined;
    return `${what} may take ${peak}, more than this machine's ${formatBytes(totalmem())} of memory${this.#lowerPeak(size, estimate)}`;
  }

  #describeSettings(): string {
    const { network, scales, flip, sliding } = this.#memory;
    const windows = sliding ? `, in ${sliding.join('x')} windows` : '';
    return `with ${network.name} at scales ${scales.join(',')}${flip ? ' with flip' : ''}${windows}`;
  }

  /** The settings that would lower the peak of an image estimated at `estimate` bytes, each with its own estimate. */
  #lowerPeak(size: ImageSize, estimate: number): string {
    const ways: Array<[string, Partial<MemorySettings>]> = [];
    if (!this.#memory.sliding && !this.#backend.onnx) ways.push(['--sliding 512x512', { sliding: [512, 512] }]);
    if (this.scales.length > 1) ways.push([`--scales ${this.scales[0]}`, { scales: [this.scales[0]] }]);
    if (this.#memory.flip) ways.push(['no --flip', { flip: false }]);
    const lower = ways.map(([flag, change]) => [flag, this.estimateBytes(size, change)] as const).filter(([, bytes]) => bytes < estimate);
    return lower.length === 0 ? '' : `; or lower the peak: ${lower.map(([flag, bytes]) => `${flag} (about ${formatBytes(bytes)})`).join(', ')}`;
  }

  #input(images: readonly RgbImage[]): { x: Tensor; sizes: Size2[]; out: Size2 } {
    const { width, height } = images[0];
    if (images.some((i) => i.width !== width || i.height !== height)) throw new Error('a batch of images must share one size');
    // Decoded already (the caller's own pixels): still refused before the network's share.
    this.admit(null, { width, height });
    return tidy(() => {
      const hwc = stack(images.map((i) => fromBuffer(i.data, 'uint8', [height, width, 3])));
      const x = NORMALISATION.fromUint8Nhwc(hwc.to({ device: this.device }), this.model?.family.inputOrder ?? 'rgb');
      const sizes = this.scales.map((s): Size2 => [Math.max(8, Math.round(height * s)), Math.max(8, Math.round(width * s))]);
      return { x, sizes, out: [height, width] as Size2 };
    });
  }

  /** Fused logits (N×classes×H×W) of a batch of same-size images, with the network. */
  logits(images: readonly RgbImage[]): Tensor {
    const forward = this.#backend.forward;
    if (!this.model || !forward) throw new Error('logits() needs the torch backend; use logitsAsync()');
    const { x, sizes, out } = this.#input(images);
    try {
      return noGrad(() => multiScaleLogits(this.model!, x, sizes, out, forward));
    } finally {
      x.dispose();
    }
  }

  /** Fused logits with either backend (onnxruntime runs asynchronously). */
  async logitsAsync(images: readonly RgbImage[]): Promise<Tensor> {
    const { onnx, flip } = this.#backend;
    if (!onnx) return this.logits(images);
    // Flip averaging on the network's own output, before fusion, as the torch backend does.
    const main = async (xs: Tensor): Promise<Tensor> => {
      const direct = await onnx.main(xs);
      if (!flip) return direct;
      const mirrored = tidy(() => xs.flip(3));
      const back = await onnx.main(mirrored).finally(() => mirrored.dispose());
      const averaged = tidy(() => direct.add(back.flip(3)).div(2));
      direct.dispose();
      back.dispose();
      return averaged;
    };
    const { x, sizes, out } = this.#input(images);
    try {
      return await multiScaleLogitsAsync(x, sizes, out, main);
    } finally {
      x.dispose();
    }
  }

  /** Predictions of a batch of same-size images with either backend (`probs`: keep the softmax too). */
  async predictBatch(images: readonly RgbImage[], options: { probs?: boolean } = {}): Promise<Prediction[]> {
    const logits = await this.logitsAsync(images);
    try {
      return this.#predictions(images, logits, options);
    } finally {
      logits.dispose();
    }
  }

  #predictions(images: readonly RgbImage[], logits: Tensor, options: { probs?: boolean }): Prediction[] {
    return tidy(() => {
      const ids = logits.argmax(1).clamp(0, 255).to({ dtype: 'uint8', device: 'cpu' });
      const probs = options.probs ? F.softmax(logits, 1).to({ device: 'cpu' }) : undefined;
      return images.map((img, b) => {
        const trainIds = new Uint8Array(ids.select(0, b).contiguous().toBuffer());
        return { width: img.width, height: img.height, trainIds, probs: probs?.select(0, b).contiguous() };
      });
    });
  }

  /**
   * Predicts one image: a file path, encoded bytes (PNG, JPEG, ...) or decoded RGB. An image
   * over maxPixels is refused from its header, before it is decoded.
   */
  async predict(input: PredictInput, options: { probs?: boolean } = {}): Promise<Prediction> {
    let image: RgbImage;
    if (typeof input === 'string' || Buffer.isBuffer(input)) {
      const name = typeof input === 'string' ? input : 'the given bytes';
      const bytes = typeof input === 'string' ? await readBytes(input, 'image') : input;
      const warning = this.admit(name, await imageSize(bytes, name));
      if (warning) this.#warn(warning);
      image = await decodeImage(bytes, name, { maxPixels: this.maxPixels });
    } else {
      const warning = this.admit(null, input);
      if (warning) this.#warn(warning);
      image = input;
    }
    return (await this.predictBatch([image], options))[0];
  }

  dispose(): void {
    this.model?.dispose();
    void this.#backend.onnx?.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Megapixels as said in messages: "36 megapixels", "0.02 megapixels", "1 megapixel". */
function megapixels(pixels: number): string {
  return plural(Number((pixels / 1e6).toPrecision(3)), 'megapixel');
}

/** A --max-megapixels value (two significant digits) that takes `pixels`. */
function megapixelsAtLeast(pixels: number): string {
  const mp = pixels / 1e6;
  const step = 10 ** (Math.floor(Math.log10(mp)) - 1);
  // Less a rounding error's worth, so that 0.02 stays 0.02.
  return String(Number((Math.ceil(mp / step - 1e-9) * step).toPrecision(2)));
}

/** A predictor for `options.weights` (see PredictorOptions); dispose it when done. */
export async function createPredictor(options: PredictorOptions): Promise<Predictor> {
  return Predictor.create(options);
}
