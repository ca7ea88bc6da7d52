// Randomness: the global seed and seedable generator objects.
import { native } from '../native/binding.js';
import type { GeneratorHandle } from '../native/types.js';
import { checkDevice, type Device } from './device.js';
import { Tensor } from './tensor.js';

/** Seeds libtorch's default generators (CPU and every CUDA device). */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new TypeError(`manualSeed: expected a non-negative integer, got ${seed}`);
  native().manualSeed(seed);
}

/** The default generator's state of a device (as torch.get_rng_state), a uint8 tensor. */
export function getRngState(device: Device | string = 'cpu'): Tensor {
  return new Tensor(native().getRngState(checkDevice(device)));
}

/** Restores the default generator of a device (as torch.set_rng_state). */
export function setRngState(state: Tensor, device: Device | string = 'cpu'): void {
  native().setRngState(state.handle, checkDevice(device));
}

/** A generator of its own (same seed, same numbers), for rand/randn/randint/randperm. */
export class Generator {
  readonly handle: GeneratorHandle;
  constructor(options: { device?: Device | string; seed?: number } = {}) {
    const device = checkDevice(options.device ?? 'cpu');
    this.handle = new (native().Generator)(device, options.seed);
  }
  manualSeed(seed: number | bigint): this {
    this.handle.manualSeed(seed);
    return this;
  }
  initialSeed(): number {
    return this.handle.initialSeed();
  }
  /** The full generator state as a uint8 tensor (for checkpoints). */
  getState(): Tensor {
    return new Tensor(this.handle.getState());
  }
  setState(state: Tensor): this {
    this.handle.setState(state.handle);
    return this;
  }
  get device(): string {
    return this.handle.device();
  }
}
