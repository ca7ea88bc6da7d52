// A model family: one network design (one native module class) with its presets.
// Stages never name a family: they ask a SegModel for its outputs by name (main,
// aux, pixelFeatures), for its class count and feature width, and for its
// parameters' optimiser groups.
import type { z } from 'zod';
import type { SegModel } from './seg-model.js';

/** The SegModel outputs a family can provide, each named after the native forward's key it comes from. */
export interface FamilyOutputs {
  /** Logits. */
  main: string;
  /** The features the class centroids live in. */
  pixelFeatures: string;
  /** The backbone's output. */
  backbone: string;
  /** Auxiliary logits, where the network has an auxiliary head. */
  aux?: string;
  /** An earlier backbone stage, where the network returns one. */
  lowLevel?: string;
}

/** The learning-rate group of a parameter: the base rate, or 10x (a head trained from scratch). */
export type ParamGroupRole = '1x' | '10x';

/** What a state-dict key holds, as far as telling a network by its weights needs. */
export type StateDictEntry = (key: string) => { shape: readonly number[] } | undefined;

export interface ModelFamily<C extends object = object> {
  /** As shown to users: "hrnet-ocr". */
  readonly name: string;
  /** The setting its presets serve, as the help lists them ("domain adaptation"). */
  readonly setting: string;
  readonly presets: Readonly<Record<string, C>>;
  /** Validates a config object of this family (strict: another family's config does not pass). */
  readonly schema: z.ZodType<C>;
  /** The addon's module class that builds it. */
  readonly nativeClass: string;
  /** Which native forward output each SegModel output is. */
  readonly outputs: Readonly<FamilyOutputs>;
  /** Input pixels per output pixel along each axis. */
  readonly outputStride: number;
  /**
   * The channel order of the normalised input the network takes: the Caffe-converted DeepLabV2
   * ResNet was trained on BGR. Pass it to uploadBatch and the picture code.
   */
  readonly inputOrder: 'rgb' | 'bgr';
  /** The number of classes the network predicts. */
  classes(config: C): number;
  /** Channels of the pixel features (the class centroids' width). */
  featureChannels(config: C): number;
  /** The published optimiser group of a trainable parameter, by its state-dict name. */
  paramGroup(name: string): ParamGroupRole;
  /** How often the published optimiser list names a trainable parameter; absent: once each. */
  listings?(name: string): number;
  /**
   * Why a training crop of h×w pixels is too small for this network beyond being under one
   * output pixel, or undefined when it trains.
   */
  trainCropProblem?(h: number, w: number): string | undefined;
  /** Loads the family's pretrained starting point from `path` into `model`; returns the line a stage prints. */
  loadPretrained(model: SegModel, path: string): string;
  /**
   * The classes and preset of a published checkpoint (a state dict with no recorded config) that
   * holds this family's network, or undefined when it does not.
   */
  recognise?(entry: StateDictEntry): { classes: number; preset?: string } | undefined;
  /** A short description for messages. */
  describe(config: C): string;
}
