// What a model family provides to be exported: its eval network written into a graph.
import type { GraphBuilder } from './graph.js';
import type { WeightSource } from './weights.js';

/** The network outputs an export can declare, by their SegOutputs names. */
export interface OutputValues<T> {
  main: T;
  aux: T;
  pixelFeatures: T;
}

export interface OnnxFamilyExporter<C extends object = object> {
  /**
   * Writes the eval-mode network reading `input` (N × 3 × H × W) into `g`, taking every
   * state-dict entry from `w`, and names its output values as `names` says.
   */
  build(g: GraphBuilder, w: WeightSource, config: C, input: string, names: OutputValues<string>): void;
  /** Channels of each output. */
  channels(config: C): OutputValues<number>;
  /** How many input pixels one output pixel spans per axis (4: outputs at ceil(H/4) × ceil(W/4)). */
  readonly stride: number;
}
