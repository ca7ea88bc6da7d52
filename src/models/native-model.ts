// The native network classes of the addon (native/model/binding.cc,
// native/model/deeplab/binding.cc), typed.
import { native } from '../native/binding.js';
import type { TensorHandle } from '../native/types.js';

/** The native forward's outputs, by the family's own names (ModelFamily.outputs maps them). */
export type NativeOutputs = Record<string, TensorHandle>;

export type NamedHandles = Array<[string, TensorHandle]>;

/** What every native network class offers. */
export interface NativeModule {
  train(on: boolean): void;
  isTraining(): boolean;
  /** Published state-dict order; the handles share the module's tensors. */
  stateDict(): NamedHandles;
  namedParameters(): NamedHandles;
  namedBuffers(): NamedHandles;
  to(device: string): void;
  channelsLast(): void;
  config(): object;
  /** Releases the module's memory now; later calls throw. */
  dispose(): void;
}

/** A segmentation network class (a model family's). */
export interface NativeModel extends NativeModule {
  forward(x: TensorHandle, options?: { grad?: boolean }): NativeOutputs;
  setCheckpointing(on: boolean): void;
  /** Where the network has Dropout2d before its classifier: the channels its next training-mode forward keeps. */
  setDropoutKeep?(mask: TensorHandle): void;
  /** BatchNorm folded into the convolutions in eval mode with gradients off; absent where a family has none to fold. */
  setFoldBatchNorm?(on: boolean): void;
}

/** A network from one tensor to another (the translator's encoder and decoder). */
export interface NativeImageNet extends NativeModule {
  forward(x: TensorHandle, options?: { grad?: boolean }): TensorHandle;
}

/** A network from one tensor to several (the multi-scale discriminator). */
export interface NativeMultiNet extends NativeModule {
  forward(x: TensorHandle, options?: { grad?: boolean }): TensorHandle[];
}

/** A module of the addon's class `className` (a model family's, or a translator network's), built from `config`. */
export function createNativeModel<N extends NativeModule = NativeModel>(className: string, config: object): N {
  const ctor = (native() as unknown as Record<string, (new (config: object) => N) | undefined>)[className];
  if (ctor === undefined) {
    throw new Error(
      'the diga addon was built without the network (DIGA_SKIP_MODEL); rebuild it with `npm run build:native`',
    );
  }
  return new ctor(config);
}
