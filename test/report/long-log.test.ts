// The report of long runs: logs are read a record at a time and curves are drawn with at
// most CURVE_POINTS points, so a 1 000 000-line log renders (40 001 lines overflowed the call
// stack), in the time and memory this file prints; a resumed run's steps logged twice count
// once; lines that are no records are said, not thrown.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CURVE_POINTS } from '../../src/engine/run/curve-points.js';
import { RunLog } from '../../src/engine/run/run-log.js';
import { buildReport, reportFromLogs } from '../../src/report/build-report.js';
import { readRunLogs } from '../../src/report/run-logs.js';
import { writeReport } from '../../src/report/write-report.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-long-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 500).toISOString();
const loss = (i: number) => 3 / Math.sqrt(i) + 0.1 * Math.sin(i / 50);

/** Writes `count` lines made by `line(i)`, ten thousand at a time (the test's own memory stays small). */
function writeLines(file: string, count: number, line: (i: number) => string): void {
  writeFileSync(file, '');
  for (let from = 0; from < count; from += 10_000) {
    const batch: string[] = [];
    for (let i = from; i < Math.min(count, from + 10_000); i++) batch.push(line(i));
    appendFileSync(file, batch.join(''));
  }
}

/** A warm-up log of `lines` lines: a start, step records with an evaluation every 10 000 steps, an end. */
function warmUpLog(run: string, lines: number): { file: string; steps: number } {
  mkdirSync(join(run, 'logs'), { recursive: true });
  const file = join(run, 'logs', 'warm-up.jsonl');
  // Every 10 001st line is an evaluation; the first is the start and the last the end.
  const steps = lines - 2 - Math.floor((lines - 2) / 10_001);
  let step = 0;
  writeLines(file, lines, (i) => {
    if (i === 0) return `${JSON.stringify({ time: stamp(0), kind: 'start', stage: 'warm-up', iteration: 0, steps, model: 'tiny', device: 'cpu', ranks: 1, imagesPerStep: 8 })}\n`;
    if (i === lines - 1) return `${JSON.stringify({ time: stamp(step), kind: 'end', stage: 'warm-up', iteration: step, seconds: step * 0.5 })}\n`;
    if (i % 10_001 === 0) return `${JSON.stringify({ time: stamp(step), kind: 'eval', stage: 'warm-up', iteration: step, miou: 0.3 + step / (4 * steps), iou: [0.5, null, 0.25] })}\n`;
    step++;
    return (
      `{"time":"${stamp(step)}","kind":"step","stage":"warm-up","iteration":${step},"lr":${0.01 * (1 - step / (steps + 1)) ** 0.9},` +
      `"terms":{"loss":${loss(step)},"seg":${loss(step) / 2},"aux":${loss(step) / 4}},"secondsPerStep":0.5,"memory":{"maxRssBytes":${1e9 + step},"devicePeakBytes":null}}\n`
    );
  });
  return { file, steps };
}

describe('a 1 000 000-line log', () => {
  test('renders, and the test says in what time and memory', () => {
    const run = join(dir, 'million');
    const { file, steps } = warmUpLog(run, 1_000_000);
    const before = process.resourceUsage().maxRSS;
    const started = performance.now();
    const logs = readRunLogs(run);
    const report = reportFromLogs(run, logs);
    const page = writeReport(run, undefined, { report });
    const seconds = (performance.now() - started) / 1000;
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    const grewMiB = peakMiB - before / 1024;
    const pageKiB = statSync(page).size / 1024;
    process.stdout.write(
      `1 000 000-line log (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB): report read and written in ${seconds.toFixed(1)} s; ` +
        `peak RSS ${grewMiB.toFixed(0)} MiB above what the test held before (${peakMiB.toFixed(0)} MiB in all); page ${pageKiB.toFixed(0)} KiB\n`,
    );
    // Generous bounds (about 3 s and 190 MiB in all on a quiet 2-core machine): a loaded one must still pass.
    // Read whole, the log alone would take more than a GiB as a string and its records.
    expect(seconds).toBeLessThan(180);
    expect(grewMiB).toBeLessThan(768);
    expect(peakMiB).toBeLessThan(1024);
    expect(pageKiB).toBeLessThan(2048);

    const t = report.training[0];
    expect(t.lastStep).toBe(steps);
    expect(t.steps).toBe(steps);
    expect(t.terms.map((s) => s.name)).toEqual(['loss', 'seg', 'aux']);
    for (const s of [...t.terms, { name: 'lr', points: t.lr }]) {
      expect(s.points.length, s.name).toBeLessThanOrEqual(CURVE_POINTS);
      expect(s.points.length, s.name).toBeGreaterThan(CURVE_POINTS / 2);
      expect(s.points[0][0], s.name).toBe(1);
    }
    // The loss's highest point (its first step) and the curve's last stretch are kept.
    expect(t.terms[0].points[0]).toEqual([1, loss(1)]);
    expect(t.terms[0].points[t.terms[0].points.length - 1][0]).toBeGreaterThan(steps - steps / 1000);
    expect(t.miou).toHaveLength(99);
    expect(t.best?.step).toBe(t.miou[98][0]);
    expect(report.run?.stages[0]).toMatchObject({ stage: 'warm-up', seconds: steps * 0.5, secondsPerStep: 0.5, imagesPerSecond: 16, maxRssBytes: 1e9 + steps });
    const html = readFileSync(page, 'utf8');
    expect(html.match(/<svg class="chart line"/g)).toHaveLength(3);
  }, 600_000);
});

describe('a resumed self-training round of 50 000 logged steps', () => {
  test('a step logged twice counts once, in the curves, the consensus sums and the drift', () => {
    const run = join(dir, 'resumed');
    mkdirSync(join(run, 'logs', 'round1'), { recursive: true });
    const file = join(run, 'logs', 'round1', 'self-train.jsonl');
    const record = (i: number, resumed: boolean) => {
      const kept = [i % 7, 2 * (i % 5), resumed ? 9 : 1];
      const pseudo = [10, 10 + (i % 3), resumed ? 10 : 20];
      const drift = [i / 1e5, resumed ? 2 : 1, 0.5];
      return `${JSON.stringify({ time: stamp(i), kind: 'step', stage: 'self-train', iteration: i, lr: 0.01, terms: { loss: resumed ? 2 : 1 }, stats: { consensusKept: kept, consensusPseudo: pseudo, centroidDrift: drift } })}\n`;
    };
    // The first run logs steps 1..30 000 and dies; the second resumes from its state at 25 000.
    writeLines(file, 30_001, (i) => (i === 0 ? `${JSON.stringify({ kind: 'start', stage: 'self-train', iteration: 0, steps: 45_000 })}\n` : record(i, false)));
    const log = new RunLog(file, { append: true });
    log.write({ kind: 'start', stage: 'self-train', iteration: 25_000, steps: 45_000 });
    appendFileSync(file, Array.from({ length: 20_000 }, (_, k) => record(25_001 + k, true)).join(''));

    const report = buildReport(run);
    const [c] = report.consensus;
    // Steps 1..25 000 from the first run, 25 001..45 000 from the second.
    const sums = [0, 0, 0].map(() => ({ kept: 0, pseudo: 0 }));
    for (let i = 1; i <= 45_000; i++) {
      const resumed = i > 25_000;
      [i % 7, 2 * (i % 5), resumed ? 9 : 1].forEach((v, k) => (sums[k].kept += v));
      [10, 10 + (i % 3), resumed ? 10 : 20].forEach((v, k) => (sums[k].pseudo += v));
    }
    expect(c.perClass).toEqual(sums.map((s) => ({ ...s, share: s.kept / s.pseudo })));
    expect(c.kept.length).toBeLessThanOrEqual(CURVE_POINTS);
    const [d] = report.centroidDrift;
    expect(d.lastStep).toBe(45_000);
    expect(d.last).toEqual([0.45, 2, 0.5]);
    const t = report.training[0];
    expect(t.lastStep).toBe(45_000);
    // The loss is 1 up to step 25 000 and 2 after: no record of the first run past it is read.
    for (const [step, value] of t.terms[0].points) expect(value).toBe(step > 25_000 ? 2 : 1);
  }, 300_000);
});

describe.skipIf(!existsSync('dist/cli/main.js'))('diga report on a long, damaged log', () => {
  test('40 001 lines, a broken line, a `null` and a cut-off last line: the page is written, the bad lines named once', () => {
    const run = join(dir, 'damaged');
    const { file } = warmUpLog(run, 40_001);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[100] = lines[100].slice(0, 40);
    lines[200] = 'null';
    writeFileSync(file, `${lines.join('\n')}{"time":"2026-01-01T06:00:00.000Z","kind":"st`);
    const r = spawnSync(process.execPath, ['bin/diga.js', 'report', run], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Maximum call stack|JSON at position|Cannot read properties/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(run, 'report.html')}`);
    expect(r.stderr).toBe(`diga: ${file}: 2 lines are not log records and are left out: line 101 (not JSON), then line 201\n`);
  }, 300_000);
});
