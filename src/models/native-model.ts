// The native network classes of the addon (native/model/binding.cc,
// native/model/deeplab/binding.cc), typed.
import { native } from '../native/binding.js';
import type { TensorHandle } from '../native/types.js';

/** The native forward's outputs, by the family's own names (ModelFamily.outputs maps them). */
export type NativeOutputs = Record<string, TensorHandle>;

export type NamedHandles = Array<[string, TensorHandle]>;

export interface NativeModel {
  forward(x: TensorHandle, options?: { grad?: boolean }): NativeOutputs;
  train(on: boolean): void;
  isTraining(): boolean;
  /** Published state-dict order; the handles share the module's tensors. */
  stateDict(): NamedHandles;
  namedParameters(): NamedHandles;
  namedBuffers(): NamedHandles;
  to(device: string): void;
  channelsLast(): void;
  config(): object;
  setCheckpointing(on: boolean): void;
  /** Where the network has Dropout2d before its classifier: the channels its next training-mode forward keeps. */
  setDropoutKeep?(mask: TensorHandle): void;
  /** Releases the module's memory now; later calls throw. */
  dispose(): void;
}

type NativeModelCtor = new (config: object) => NativeModel;

/** A module of the addon's class `className` (a model family's), built from `config`. */
export function createNativeModel(className: string, config: object): NativeModel {
  const ctor = (native() as unknown as Record<string, NativeModelCtor | undefined>)[className];
  if (ctor === undefined) {
    throw new Error(
      'the diga addon was built without the network (DIGA_SKIP_MODEL); rebuild it with `npm run build:native`',
    );
  }
  return new ctor(config);
}
