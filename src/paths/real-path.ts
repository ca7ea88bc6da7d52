// Paths as the file system sees them: links followed, so that two names of one file
// compare equal, and containment that neither `..` nor a link can get round.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';

/** The real path of `p`, which need not exist: its deepest existing part with links followed, then the rest as named. */
export function realPath(p: string): string {
  let head = resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(head), ...rest);
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(p);
      rest.unshift(basename(head));
      head = up;
    }
  }
}

/** True when the relative path `rel` climbs out of the folder it is relative to, or is absolute. */
export function leavesFolder(rel: string): boolean {
  if (isAbsolute(rel)) return true;
  return normalize(rel).split(/[\\/]/)[0] === '..';
}

/** True when `inner` is `outer` or lies inside it, as real paths. */
export function isWithin(inner: string, outer: string): boolean {
  return !leavesFolder(relative(realPath(outer), realPath(inner)));
}

/** True when `a` and `b` name one file or folder. */
export function samePath(a: string, b: string): boolean {
  return realPath(a) === realPath(b);
}
