// The GPU kit packs what a machine without Node or network needs, within the size that travels:
// a Node binary that runs, the runtime packages with their native parts, the addon's headers, dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { limitFor } from '../limits.js';

const haveBuild = existsSync('dist/index.js');

describe.skipIf(!haveBuild)('scripts/gpu-kit.sh pack', () => {
  test('packs under 60 MiB with the checkout; its node runs and its modules hold what run needs', () => {
    execFileSync('bash', ['scripts/gpu-kit.sh', 'pack'], { env: { ...process.env, KIT_SKIP_BUILD: '1' }, stdio: 'pipe', timeout: 300_000 });
    const manifest = JSON.parse(readFileSync('.gpu-kit/manifest.json', 'utf8'));
    expect(manifest.kitBytes + manifest.checkoutBytes).toBeLessThan(60 * 2 ** 20);
    const modules = readFileSync('.gpu-kit/modules.txt', 'utf8').split('\n');
    for (const m of ['sharp', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64', 'commander', 'zod', 'protobufjs', 'vitest', 'node-addon-api', 'node-api-headers']) {
      expect(modules).toContain(`node_modules/${m}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'diga-kit-'));
    try {
      execFileSync('bash', ['-c', `xz -dc .gpu-kit/node.xz > ${dir}/node && chmod +x ${dir}/node`]);
      expect(execFileSync(join(dir, 'node'), ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${manifest.node}`);
      const listing = execFileSync('bash', ['-c', 'xz -dc .gpu-kit/node_modules.tar.xz | tar -tf - | grep -E "node_api.h|napi.h$|vitest.mjs$" | sort'], { encoding: 'utf8' });
      expect(listing).toMatch(/node-api-headers\/include\/node_api\.h/);
      expect(listing).toMatch(/node-addon-api\/napi\.h/);
      expect(listing).toMatch(/vitest\/vitest\.mjs/);
      const dist = execFileSync('bash', ['-c', 'xz -dc .gpu-kit/dist.tar.xz | tar -tf -'], { encoding: 'utf8' }).split('\n');
      expect(dist).toContain('dist/cli/main.js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, limitFor(84.7));
});
