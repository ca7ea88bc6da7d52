import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

// The bin runs the compiled CLI (dist/), which the bootstrap step builds.
describe.skipIf(!existsSync('dist/cli/main.js'))('diga info', () => {
  test('--json reports the libtorch found and the devices', () => {
    const out = execFileSync(process.execPath, ['bin/diga.js', 'info', '--json'], { encoding: 'utf8' });
    const r = JSON.parse(out);
    expect(r.libtorch).toMatch(/^\d+\.\d+/);
    expect(r.devices[0].device).toBe('cpu');
    expect(['cpu', 'cuda']).toContain(r.build);
  });

  test('the text form names libtorch and BLAS', () => {
    const out = execFileSync(process.execPath, ['bin/diga.js', 'info'], { encoding: 'utf8' });
    expect(out).toMatch(/libtorch\s+\d+\.\d+/);
    expect(out).toMatch(/BLAS/);
  });

  test('an unknown command fails with usage help', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, ['bin/diga.js', 'no-such-command'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).not.toBe(0);
  });
});
