// The images a prediction run reads: files, folders (searched recursively), globs and
// list files, each with the path its outputs mirror.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';

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

function fromArgument(arg: string): ImageInput[] {
  if (existsSync(arg)) {
    if (!statSync(arg).isDirectory()) return [{ file: arg, rel: posix(arg).split('/').pop()! }];
    const files = globSync('**/*', { cwd: arg, onlyFiles: true, dot: false }).filter(isImage).sort();
    if (files.length === 0) throw new Error(`the folder ${arg} holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
    return files.map((f) => ({ file: join(arg, f), rel: f }));
  }
  if (!isDynamicPattern(arg)) throw new Error(`${arg} does not exist`);
  const base = globBase(posix(arg));
  const files = globSync(posix(arg), { onlyFiles: true, absolute: isAbsolute(arg) }).filter(isImage).sort();
  if (files.length === 0) throw new Error(`no images match ${arg}`);
  return files.map((f) => ({ file: f, rel: posix(relative(base, f)) }));
}

/** The lines of a list file (blank lines and # comments left out), as paths below `root`. */
function fromList(list: string, root: string): ImageInput[] {
  if (!existsSync(list)) throw new Error(`the list ${list} does not exist`);
  const lines = readFileSync(list, 'utf8').split(/\r?\n/).map((l) => l.trim());
  const out: ImageInput[] = [];
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const file = isAbsolute(line) ? line : join(root, line);
    if (!existsSync(file)) throw new Error(`${list} line ${i + 1}: ${file} does not exist`);
    out.push({ file, rel: isAbsolute(line) ? posix(relative(resolve(root), line)) : posix(line) });
  });
  if (out.length === 0) throw new Error(`the list ${list} names no images`);
  return out;
}

/**
 * Every image of `args` and `list`, in order. Two inputs whose outputs would be one file
 * (the same path below their inputs) are refused.
 */
export function collectImages(args: readonly string[], options: { list?: string; root?: string } = {}): ImageInput[] {
  const all = [...args.flatMap(fromArgument), ...(options.list ? fromList(options.list, options.root ?? '.') : [])];
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
  // The same file named twice is predicted once.
  const files = new Set<string>();
  return all.filter((input) => !files.has(resolve(input.file)) && files.add(resolve(input.file)));
}
