// What the batch loaders read from: any dataset layout (Cityscapes, GTA5, SYNTHIA) that yields
// the same samples by index.
import type { LabelMap, RgbImage } from './images.js';

/** One decoded sample: its image and, where the set has them, its label and pseudo-label in train ids. */
export interface Sample {
  name: string;
  image: RgbImage;
  label?: LabelMap;
  pseudo?: LabelMap;
}

export interface SampleSource {
  /** Samples in the set; indices are 0..size-1. */
  readonly size: number;
  readonly hasLabels: boolean;
  readonly hasPseudo: boolean;
  /** Decodes one sample (label maps already in train ids). */
  read(index: number): Promise<Sample>;
  /** `err` from reading sample `index`, naming its file and list line. */
  sampleError(index: number, err: unknown): Error;
  /** Checks up front that every listed file exists. */
  validate(): Promise<void>;
}
