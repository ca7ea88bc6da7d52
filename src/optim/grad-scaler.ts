// Loss scaling for float16 training (as torch.cuda.amp.GradScaler): the loss
// is multiplied by a large factor so small gradients survive float16; before
// the step gradients are divided back, and a step whose gradients hold an inf
// or NaN is skipped and the factor halved. After `growthInterval` clean steps
// the factor doubles.
import { foreach, noGrad, stack, tidy, type Tensor } from '../tensor/index.js';
import type { SGD } from './sgd.js';

export interface GradScalerOptions {
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  growthInterval?: number;
}

export interface GradScalerState {
  scale: number;
  growthTracker: number;
}

export class GradScaler {
  #scale: number;
  #tracker = 0;
  readonly growthFactor: number;
  readonly backoffFactor: number;
  readonly growthInterval: number;

  constructor(o: GradScalerOptions = {}) {
    this.#scale = o.initScale ?? 2 ** 16;
    this.growthFactor = o.growthFactor ?? 2;
    this.backoffFactor = o.backoffFactor ?? 0.5;
    this.growthInterval = o.growthInterval ?? 2000;
    if (!(this.#scale > 0) || !(this.growthFactor > 1) || !(this.backoffFactor > 0 && this.backoffFactor < 1)) {
      throw new RangeError('GradScaler: initScale > 0, growthFactor > 1 and 0 < backoffFactor < 1 are required');
    }
  }

  get scale(): number {
    return this.#scale;
  }

  /** loss × scale, to call backward() on. */
  scaleLoss(loss: Tensor): Tensor {
    return loss.mul(this.#scale);
  }

  /**
   * Divides the gradients by the scale and steps the optimiser unless one of
   * them is not finite; then updates the scale. Returns whether it stepped.
   * Reads one number back from the device (as PyTorch's scaler does).
   */
  step(optimizer: SGD, params: Tensor[]): boolean {
    const finite = noGrad(() =>
      tidy(() => {
        const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
        if (grads.length === 0) return true;
        foreach.mul_(grads, 1 / this.#scale);
        return stack(foreach.norm(grads)).isfinite().all().item() === 1;
      }),
    );
    if (finite) optimizer.step();
    this.#update(finite);
    return finite;
  }

  #update(finite: boolean): void {
    if (!finite) {
      this.#scale *= this.backoffFactor;
      this.#tracker = 0;
      return;
    }
    this.#tracker += 1;
    if (this.#tracker === this.growthInterval) {
      this.#scale *= this.growthFactor;
      this.#tracker = 0;
    }
  }

  stateDict(): GradScalerState {
    return { scale: this.#scale, growthTracker: this.#tracker };
  }

  loadStateDict(state: GradScalerState): void {
    if (!(state.scale > 0) || !Number.isInteger(state.growthTracker) || state.growthTracker < 0) {
      throw new TypeError(`GradScaler.loadStateDict: invalid state ${JSON.stringify(state)}`);
    }
    this.#scale = state.scale;
    this.#tracker = state.growthTracker;
  }
}
