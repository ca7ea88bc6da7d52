// Grad-mode scopes and multi-tensor backward.
import { native } from '../native/binding.js';
import type { Tensor } from './tensor.js';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const b = native();
  const prev = b.isGradEnabled();
  b.setGradEnabled(enabled);
  try {
    const r = fn();
    if (r instanceof Promise) throw new TypeError('noGrad()/enableGrad() take a synchronous function');
    return r;
  } finally {
    b.setGradEnabled(prev);
  }
}

/** Runs fn without recording operations for autograd (inference, EMA updates, optimiser steps). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return native().isGradEnabled();
}

/** Backward from several outputs at once, each with its gradient (or none for one-element outputs). */
export function backward(tensors: Tensor[], grads?: Tensor[], options: { retainGraph?: boolean } = {}): void {
  native().backward(
    tensors.map((t) => t.handle),
    grads ? grads.map((g) => g.handle) : null,
    options.retainGraph ?? false,
    false,
  );
}
