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

/**
 * The SYNTHIA warm-up's linear ramp `base · iter / maxIter` (the published script calls its
 * warm-up schedule with shifted arguments, so the rate climbs from 0 and never decays). From
 * maxIter on it stays at base, which is where the published formula is at maxIter.
 */
export function rampLr(base: number, iter: number, maxIter: number): number {
  checkIter(iter, 'rampLr');
  if (!Number.isInteger(maxIter) || maxIter <= 0) throw new RangeError(`rampLr: maxIter must be a positive integer, got ${maxIter}`);
  if (!Number.isFinite(base) || base < 0) throw new RangeError(`rampLr: base must be a non-negative number, got ${base}`);
  return (base * Math.min(iter, maxIter)) / maxIter;
}

/** The learning-rate schedules a run can name. */
export const LR_SCHEDULES = ['poly', 'ramp'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/** The rate at `iter` of the schedule called `name`; `power` applies to 'poly' only. */
export function scheduledLr(name: LrScheduleName, base: number, iter: number, maxIter: number, power = 1): number {
  switch (name) {
    case 'poly':
      return polyLr(base, iter, maxIter, power);
    case 'ramp':
      return rampLr(base, iter, maxIter);
    default:
      throw new RangeError(`unknown learning-rate schedule ${JSON.stringify(name)}; expected one of ${LR_SCHEDULES.join(', ')}`);
  }
}

/** The adaptation network's SGD rates: base and poly power of lr_i, and the head's multiplier. */
export const SEGMENTATION_LR = { base: 2.5e-4, power: 0.9, headScale: 10 } as const;

/** The translator's Adam rates: poly from 1e-4 over 50 000 steps, power 0.9. */
export const TRANSLATOR_LR = { base: 1e-4, maxIter: 50_000, power: 0.9 } as const;
