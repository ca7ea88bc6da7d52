// Outputs that mirror an input tree under one root (predict's <out>/<kind>/): a path
// taken from an input never places its output outside that root.
import { join } from 'node:path';
import { leavesFolder } from './real-path.js';

/** `root`/`rel`, refused when `rel` climbs out of `root`; `what` names the output in the message. */
export function placeUnder(root: string, rel: string, what: string): string {
  if (leavesFolder(rel)) throw new Error(`${what} would be written to ${join(root, rel)}, outside ${root}`);
  return join(root, rel);
}
