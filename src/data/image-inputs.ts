// The images a prediction run reads: files, folders (searched recursively), globs and
// list files, each with the path its outputs mirror. Nothing is read from the folders the
// run writes into: walks leave them out, and an image named inside one is refused.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { isWithin, leavesFolder, realPath, samePath } from '../paths/real-path.js';

/** Extensions of the image formats sharp decodes. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic'];

export interface ImageInput {
  /** The file to read. */
  file: string;
  /** Its path below the input it came from (a folder, a glob's fixed part, a list's root): what outputs mirror. */
  rel: string;
}

const isImage = (file: string) => IMAGE_EXTENSIONS.includes(extname(file).toLowerCase());
const posix = (p: string) => p.split(sep).join('/');

/** The folder part of a glob before its first pattern segment. */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (isDynamicPattern(p)) break;
    fixed.push(p);
  }
  return fixed.join('/') || '.';
}

export interface CollectOptions {
  /** A list file of images, relative to `root` (default: the current folder). */
  list?: string;
  root?: string;
  /** The folders the run writes into: walks leave them out, and an image named inside one is refused. */
  outputs?: readonly string[];
  /** Told of each image a walk left out because it lies in one of `outputs`. */
  onLeftOut?: (file: string) => void;
  /** Told of each input that is a file already taken under another name (a link, a link loop). */
  onRepeat?: (file: string, first: string) => void;
}

/** Refuses `path` when it lies in an output folder; `what` names it in the message. */
function refuseInOutput(path: string, what: string, o: CollectOptions): void {
  const out = o.outputs?.find((folder) => isWithin(path, folder));
  if (out !== undefined) {
    throw new Error(`${what} ${samePath(path, out) ? 'is' : 'lies inside'} ${out}, a folder this run writes its outputs into; give another --out, or move the images`);
  }
}

/** The files a walk of `folder` found, less those inside the output folders within it (earlier outputs, not inputs). */
function leaveOutOutputs(folder: string, files: string[], path: (f: string) => string, o: CollectOptions): string[] {
  const inside = o.outputs?.filter((out) => isWithin(out, folder)) ?? [];
  if (inside.length === 0) return files;
  return files.filter((f) => {
    const output = inside.some((out) => isWithin(path(f), out));
    if (output) o.onLeftOut?.(path(f));
    return !output;
  });
}

function fromArgument(arg: string, o: CollectOptions): ImageInput[] {
  if (existsSync(arg)) {
    if (!statSync(arg).isDirectory()) {
      refuseInOutput(arg, `the image ${arg}`, o);
      return [{ file: arg, rel: posix(arg).split('/').pop()! }];
    }
    refuseInOutput(arg, `the folder ${arg}`, o);
    const found = globSync('**/*', { cwd: arg, onlyFiles: true, dot: false }).filter(isImage).sort();
    const files = leaveOutOutputs(arg, found, (f) => join(arg, f), o);
    if (files.length === 0) throw new Error(`the folder ${arg} holds no images (${IMAGE_EXTENSIONS.join(', ')})${found.length > 0 ? ' outside the output folders' : ''}`);
    return files.map((f) => ({ file: join(arg, f), rel: f }));
  }
  if (!isDynamicPattern(arg)) throw new Error(`${arg} does not exist`);
  const base = globBase(posix(arg));
  refuseInOutput(base, `the folder ${base} of ${arg}`, o);
  const found = globSync(posix(arg), { onlyFiles: true, absolute: isAbsolute(arg) }).filter(isImage).sort();
  const files = leaveOutOutputs(base, found, (f) => f, o);
  if (files.length === 0) throw new Error(`no images match ${arg}${found.length > 0 ? ' outside the output folders' : ''}`);
  return files.map((f) => ({ file: f, rel: posix(relative(base, f)) }));
}

/**
 * The lines of a list file (blank lines and # comments left out), as paths below `root`.
 * An entry outside `root` is refused: its outputs would mirror it outside the output folder.
 */
function fromList(list: string, root: string, o: CollectOptions): ImageInput[] {
  if (!existsSync(list)) throw new Error(`the list ${list} does not exist`);
  const lines = readFileSync(list, 'utf8').split(/\r?\n/).map((l) => l.trim());
  const out: ImageInput[] = [];
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const entry = `${list} line ${i + 1}`;
    const file = isAbsolute(line) ? line : join(root, line);
    const rel = isAbsolute(line) ? relative(resolve(root), line) : normalize(line);
    if (leavesFolder(rel)) throw new Error(`${entry}: ${line} lies outside --root ${root}, so its outputs would be written outside --out; list it from inside --root, or give a --root that holds it`);
    if (!existsSync(file)) throw new Error(`${entry}: ${file} does not exist`);
    refuseInOutput(file, `${entry}: ${file}`, o);
    out.push({ file, rel: posix(rel) });
  });
  if (out.length === 0) throw new Error(`the list ${list} names no images`);
  return out;
}

/**
 * Every image of `args` and `options.list`, in order. Two inputs whose outputs would be one
 * file (the same path below their inputs) are refused.
 */
export function collectImages(args: readonly string[], options: CollectOptions = {}): ImageInput[] {
  const all = [...args.flatMap((a) => fromArgument(a, options)), ...(options.list ? fromList(options.list, options.root ?? '.', options) : [])];
  if (all.length === 0) throw new Error('no images given: name files, folders or globs, or a --list');
  const seen = new Map<string, string>();
  for (const { file, rel } of all) {
    const key = rel.replace(/\.[^./]+$/, '');
    const other = seen.get(key);
    if (other !== undefined && resolve(other) !== resolve(file)) {
      throw new Error(`${other} and ${file} would write the same outputs (${key}); predict them into different --out folders`);
    }
    seen.set(key, file);
  }
  // One file reached twice (named twice, or through a link or a link loop) is predicted once,
  // under its own name where that is among them (not the link's), else under its first.
  const keep = new Map<string, ImageInput>();
  for (const input of all) {
    const real = realPath(input.file);
    const kept = keep.get(real);
    if (kept === undefined || (resolve(input.file) === real && resolve(kept.file) !== real)) keep.set(real, input);
  }
  const kept = new Set(keep.values());
  const named = new Set<string>();
  return all.filter((input) => {
    if (kept.has(input)) return true;
    const chosen = keep.get(realPath(input.file))!;
    // The same name given twice is no news; another name for the same file is.
    if (resolve(chosen.file) !== resolve(input.file) && !named.has(input.file)) options.onRepeat?.(input.file, chosen.file);
    named.add(input.file);
    return false;
  });
}
