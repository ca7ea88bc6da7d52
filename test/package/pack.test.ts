// The published package: `npm pack` yields a tarball that installs into an
// empty project with no cmake or C++ compiler on PATH, uses its prebuilt addon,
// and `npx diga info` works there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'diga-pack-'));
const project = join(dir, 'project');
const bin = join(dir, 'bin');
let env: NodeJS.ProcessEnv;

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
}

beforeAll(() => {
  // A PATH with node, npm and sh only: no cmake, no compiler.
  mkdirSync(bin);
  // sh runs npm's lifecycle scripts.
  for (const cmd of ['node', 'npm', 'npx', 'sh']) symlinkSync(cmd === 'node' ? process.execPath : which(cmd), join(bin, cmd));
  env = { ...process.env, PATH: bin, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  execFileSync('npm', ['pack', '--pack-destination', dir], { stdio: 'pipe' });
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  execFileSync('npm', ['install', join(dir, tarball), '--prefer-offline'], { cwd: project, env, stdio: 'pipe' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm package', () => {
  test('cmake and compilers are really off the PATH', () => {
    for (const cmd of ['cmake', 'make', 'g++', 'c++']) expect(spawnSync(cmd, ['--version'], { env }).error).toBeDefined();
  });

  test('ships the library and the command, not the benchmarks', () => {
    const pkg = join(project, 'node_modules', 'diga');
    expect(existsSync(join(pkg, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'bench'))).toBe(false);
  });

  test('ships no native benchmark code: no sources, no bench addon, no bench entry point in the prebuilt addon', () => {
    const pkg = join(project, 'node_modules', 'diga');
    expect(existsSync(join(pkg, 'native', 'bench'))).toBe(false);
    const files = readdirSync(pkg, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('node_modules'));
    expect(files.filter((f) => /bench/i.test(f))).toEqual([]);
    const addons = files.filter((f) => f.endsWith('.node'));
    expect(addons.length).toBeGreaterThan(0);
    for (const addon of addons) {
      expect(addon.endsWith('diga.node'), addon).toBe(true);
      const binary = readFileSync(join(pkg, addon));
      expect(binary.includes('addLoop'), addon).toBe(false);
    }
  });

  test('the install step picks the prebuilt addon and compiles nothing', () => {
    const pkg = join(project, 'node_modules', 'diga');
    const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'install.mjs')], { cwd: pkg, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/using the prebuilt addon linux-x64-torch\d+\.\d+/);
    expect(existsSync(join(pkg, 'build'))).toBe(false);
  });

  test('npx diga info works in the project', () => {
    const out = execFileSync(join(bin, 'npx'), ['diga', 'info', '--json'], { cwd: project, env, encoding: 'utf8' });
    expect(JSON.parse(out).libtorch).toMatch(/^\d+\.\d+/);
  });

  test('the package API imports by name', () => {
    const code = "import('diga').then((d) => { const t = d.ones([2, 2]); console.log(t.sum().item()); })";
    expect(execFileSync(process.execPath, ['-e', code], { cwd: project, env, encoding: 'utf8' }).trim()).toBe('4');
  });

  test('without a loadable addon and without a compiler, the install says what to do', () => {
    const pkg = join(project, 'node_modules', 'diga');
    renameSync(join(pkg, 'prebuilds'), join(pkg, 'prebuilds.off'));
    try {
      const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'install.mjs')], { cwd: pkg, env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/no prebuilt addon for linux-x64, and cmake, make \(or ninja\) or a C\+\+ compiler is missing/);
      expect(r.stderr).toMatch(/apt-get install libtorch-dev/);
    } finally {
      renameSync(join(pkg, 'prebuilds.off'), join(pkg, 'prebuilds'));
    }
  });

  test('without a loadable prebuilt addon but with a compiler, the install builds from source', () => {
    const pkg = join(project, 'node_modules', 'diga');
    renameSync(join(pkg, 'prebuilds'), join(pkg, 'prebuilds.off'));
    try {
      const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'install.mjs')], { cwd: pkg, env: process.env, encoding: 'utf8' });
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      expect(r.stderr).toMatch(/building from source/);
      expect(existsSync(join(pkg, 'build', 'Release', 'diga.node'))).toBe(true);
      // The published sources hold no benchmarks, so nothing of them is built.
      expect(existsSync(join(pkg, 'build', 'Release', 'diga_bench.node'))).toBe(false);
      const out = execFileSync(join(bin, 'npx'), ['diga', 'info', '--json'], { cwd: project, env, encoding: 'utf8' });
      expect(JSON.parse(out).libtorch).toMatch(/^\d+\.\d+/);
    } finally {
      renameSync(join(pkg, 'prebuilds.off'), join(pkg, 'prebuilds'));
    }
  }, 1_200_000);
});
