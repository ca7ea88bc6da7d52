// Learning-rate and teacher-momentum schedules (docs/method.md §4).

function checkIter(iter: number, who: string): void {
  if (!Number.isInteger(iter) || iter < 0) throw new RangeError(`${who}: iter must be a non-negative integer, got ${iter}`);
}

/**
 * Poly schedule `base · (1 − iter / maxIter)^power`. From maxIter on it stays at 0
 * (the formula would turn negative, or NaN for a fractional power).
 */
export function polyLr(base: number, iter: number, maxIter: number, power = 1): number {
  checkIter(iter, 'polyLr');
  if (!Number.isInteger(maxIter) || maxIter <= 0) throw new RangeError(`polyLr: maxIter must be a positive integer, got ${maxIter}`);
  if (!Number.isFinite(base) || base < 0) throw new RangeError(`polyLr: base must be a non-negative number, got ${base}`);
  if (!Number.isFinite(power) || power < 0) throw new RangeError(`polyLr: power must be a non-negative number, got ${power}`);
  if (iter >= maxIter) return 0;
  return base * (1 - iter / maxIter) ** power;
}

/** The EMA teacher's factor at iteration `iter`: `min(1 − 1/(iter + 1), maxAlpha)`, maxAlpha = 0.999. */
export function emaAlpha(iter: number, maxAlpha = 0.999): number {
  checkIter(iter, 'emaAlpha');
  return Math.min(1 - 1 / (iter + 1), maxAlpha);
}
