// A model family: one network design (one native module class) with its presets.
// Stages never name a family: they ask a SegModel for its outputs by name (main,
// aux, pixelFeatures) and for its class count and feature width.
import type { z } from 'zod';

export interface ModelFamily<C extends object = object> {
  /** As shown to users: "hrnet-ocr". */
  readonly name: string;
  readonly presets: Readonly<Record<string, C>>;
  /** Validates a config object of this family (strict: another family's config does not pass). */
  readonly schema: z.ZodType<C>;
  /** The addon's module class that builds it. */
  readonly nativeClass: string;
  /** The number of classes the network predicts. */
  classes(config: C): number;
  /** Channels of the pixel features (the class centroids' width). */
  featureChannels(config: C): number;
}
