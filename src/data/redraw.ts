/**
 * The source class-diversity redraw of the adaptation loaders (DIGA-UDA.md §1): a source crop
 * showing too few classes is drawn again. K = the number of label values (255 included) that
 * cover more than 2 % of the crop; a crop is kept if K ≥ 3, or K = 2 without 255. At most five
 * draws; the fifth is kept whatever it shows.
 */

/** Share a value must exceed (strictly) to count. */
export const REDRAW_MIN_SHARE = 0.02;
/** Draws at most; the last is kept regardless. */
export const REDRAW_MAX_DRAWS = 5;
const IGNORE = 255;

/** The label values covering more than `minShare` of `label`, ascending. */
export function valuesOverShare(label: Uint8Array, minShare = REDRAW_MIN_SHARE): number[] {
  const counts = new Float64Array(256);
  for (let i = 0; i < label.length; i++) counts[label[i]]++;
  const values: number[] = [];
  // The published test is count / size > share in float64; the same division here.
  for (let v = 0; v < 256; v++) if (counts[v] > 0 && counts[v] / label.length > minShare) values.push(v);
  return values;
}

export interface DiversityDecision {
  values: number[];
  k: number;
  accept: boolean;
}

/** Whether a crop (train ids) shows enough classes to be kept. */
export function classDiversity(label: Uint8Array): DiversityDecision {
  const values = valuesOverShare(label);
  const k = values.length;
  return { values, k, accept: k >= 3 || (k === 2 && !values.includes(IGNORE)) };
}

/**
 * Draws until `accept` holds, at most `maxDraws` times; the last draw is kept regardless.
 * `draws` says how many were made (each consumes its own randomness, so it is part of the sequence).
 */
export async function drawUntil<T>(draw: () => Promise<T>, accept: (value: T) => boolean, maxDraws = REDRAW_MAX_DRAWS): Promise<{ value: T; draws: number }> {
  if (!Number.isInteger(maxDraws) || maxDraws < 1) throw new Error(`at most ${maxDraws} draws: need a positive integer`);
  for (let n = 1; ; n++) {
    const value = await draw();
    if (n >= maxDraws || accept(value)) return { value, draws: n };
  }
}
