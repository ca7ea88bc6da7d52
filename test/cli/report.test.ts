// `diga report` writes a page and a JSON file and nothing else: never over the run's weights
// or the logs it reads, and over an earlier page only with --overwrite.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runDiga as diga, fixture } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run folder with a short warm-up log and its weights, as a training run leaves them. */
function runFolder(name: string): { run: string; weights: string; log: string } {
  const run = join(dir, name);
  mkdirSync(join(run, 'logs'), { recursive: true });
  const log = join(run, 'logs', 'warm-up.jsonl');
  const records = [
    { time: '2024-01-01T00:00:00Z', kind: 'start', stage: 'warm-up', iteration: 0, steps: 2, model: 'tiny', device: 'cpu' },
    { time: '2024-01-01T00:00:01Z', kind: 'step', stage: 'warm-up', iteration: 1, lr: 0.01, terms: { loss: 1.5 } },
    { time: '2024-01-01T00:00:02Z', kind: 'step', stage: 'warm-up', iteration: 2, lr: 0.01, terms: { loss: 1.2 } },
  ];
  writeFileSync(log, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const weights = join(run, 'student.safetensors');
  copyFileSync(fixture('tiny_state_dict.safetensors'), weights);
  return { run, weights, log };
}

describe.skipIf(!existsSync('dist/cli/main.js'))('diga report: what it may write', () => {
  test('--json naming the trained weights is refused, with and without --overwrite, and they stay', () => {
    const { run, weights } = runFolder('weights');
    const before = readFileSync(weights);
    for (const extra of [[], ['--overwrite']]) {
      const r = diga('report', run, '--json', weights, ...extra);
      expect(r.status, extra.join(' ')).toBe(1);
      expect(r.out).toContain(`--json ${weights} exists and is not a .json file`);
    }
    expect(readFileSync(weights).equals(before)).toBe(true);
    expect(existsSync(join(run, 'report.html'))).toBe(false);
  });

  test('--out naming the training log it reads is refused, and later reports still work', () => {
    const { run, log } = runFolder('log');
    const before = readFileSync(log, 'utf8');
    for (const extra of [[], ['--overwrite']]) {
      const r = diga('report', run, '--out', log, ...extra);
      expect(r.status, extra.join(' ')).toBe(1);
      expect(r.out).toContain(`--out ${log} is a file this command reads`);
    }
    expect(readFileSync(log, 'utf8')).toBe(before);
    expect(diga('report', run).status).toBe(0);
  });

  test('an existing page or JSON file is replaced only with --overwrite; the run\'s own page always', () => {
    const { run } = runFolder('pages');
    const page = join(dir, 'pages.html');
    const json = join(dir, 'pages.json');
    expect(diga('report', run, '--out', page, '--json', json).status).toBe(0);
    writeFileSync(json, '{"mine": true}\n');
    const again = diga('report', run, '--out', join(dir, 'other.html'), '--json', json);
    expect(again.status).toBe(1);
    expect(again.out).toContain(`--json ${json} exists; pass --overwrite to replace it`);
    expect(readFileSync(json, 'utf8')).toBe('{"mine": true}\n');
    expect(diga('report', run, '--out', page).out).toContain(`--out ${page} exists; pass --overwrite`);
    expect(diga('report', run, '--out', page, '--json', json, '--overwrite').status).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toHaveProperty('classes');
    // One file for both would leave only the JSON.
    expect(diga('report', run, '--out', page, '--json', page, '--overwrite').out).toContain('is the page itself');
    expect(diga('report', run).status).toBe(0);
    expect(diga('report', run).status).toBe(0);
  });
});
