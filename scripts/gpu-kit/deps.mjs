// Prints the node_modules folders (relative to the repo) that the named packages need at run
// time: each package and, recursively, its dependencies and optional dependencies that are
// installed, resolved the way Node resolves them (nearest node_modules upwards).
// Usage: node scripts/gpu-kit/deps.mjs <package> [...]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.cwd();
const seen = new Set();

function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}

function visit(dir) {
  if (seen.has(dir)) return;
  seen.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies })) {
    const found = locate(name, dir);
    if (found) visit(found);
    else if (pkg.dependencies?.[name]) process.stderr.write(`deps: ${name} (needed by ${relative(root, dir)}) is not installed\n`);
  }
}

for (const name of process.argv.slice(2)) {
  const found = locate(name, root);
  if (!found) throw new Error(`deps: ${name} is not installed; run npm ci first`);
  visit(found);
}
process.stdout.write([...seen].map((d) => relative(root, d)).sort().join('\n') + '\n');
