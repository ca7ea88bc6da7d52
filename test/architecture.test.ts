// The layers of docs/architecture.md, checked: an import may go to the same layer or
// a lower one, never up, and no two folders import each other (directly or round a loop).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS: string[][] = [
  ['native', 'tensor', 'checkpoint', 'paths', 'tensorboard', 'faults.ts', 'version.ts', 'plural.ts'],
  ['config', 'labels'],
  ['models', 'data', 'distributed', 'optim', 'losses', 'metrics', 'augment', 'centroids'],
  ['inference', 'export'],
  ['engine'],
  ['stages', 'report'],
  ['cli', 'bench', 'index.ts'],
];

const src = resolve('src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const area = (file: string) => relative(src, file).split('/')[0];
const layerOf = (a: string) => {
  const i = LAYERS.findIndex((l) => l.includes(a));
  if (i < 0) throw new Error(`src/${a} is in no layer of docs/architecture.md; add it there and to this test`);
  return i;
};

const imports = files(src).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => ({
    file: relative(src, file),
    from: area(file),
    to: area(resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))),
  })),
);

describe('src/ layers', () => {
  it('every import goes down or sideways, never up', () => {
    const upward = imports.filter((i) => layerOf(i.to) > layerOf(i.from)).map((i) => `${i.file} imports from ${i.to}/`);
    expect(upward).toEqual([]);
  });

  it('no folders import each other', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports) if (i.from !== i.to) edges.set(i.from, (edges.get(i.from) ?? new Set()).add(i.to));
    const reaches = (a: string, b: string, seen = new Set<string>()): boolean =>
      [...(edges.get(a) ?? [])].some((n) => n === b || (!seen.has(n) && (seen.add(n), reaches(n, b, seen))));
    const cycles = [...edges.keys()].filter((a) => reaches(a, a));
    expect(cycles).toEqual([]);
  });

  it('no file imports itself round a loop at run time (type-only imports aside)', () => {
    // The op files and the Tensor class they extend import each other by design (tensor/).
    const edges = new Map<string, string[]>();
    for (const file of files(src)) {
      const text = readFileSync(file, 'utf8');
      const to = [...text.matchAll(/^(?:import|export)(\s+type)?[^;]*?from\s*'(\.[^']+)'/gms)]
        .filter((m) => !m[1])
        .map((m) => resolve(dirname(file), m[2].replace(/\.js$/, '.ts')));
      edges.set(file, to);
    }
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === 'open') loops.push([...path.slice(path.indexOf(next)), next].map((f) => relative(src, f)).join(' → '));
        else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of edges.keys()) if (!state.has(file)) visit(file, [file]);
    expect(loops.filter((l) => !l.split(' → ').every((f) => f.startsWith('tensor/')))).toEqual([]);
  });
});
