// Time limits for the slow end-to-end tests. Each test names the seconds it took in a suite
// run on a 2-core machine whose load average was about 6 (other work sharing the cores, as on
// a shared CI machine), and gets four times that, never less than the default two minutes.
// A limit set from a quiet machine's time failed under such load (#26).
export const LOADED_MARGIN = 4;

/** The limit, in ms, of a test that took `loadedSeconds` under that load. */
export function limitFor(loadedSeconds: number): number {
  return Math.max(120, Math.ceil(LOADED_MARGIN * loadedSeconds)) * 1000;
}
