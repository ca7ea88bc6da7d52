// Reading run logs a record at a time: lines that are no records are left out and said
// once by file and line, a killed run's cut-off line is no damage, and the curves of a
// paper-length log are drawn.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { curvePoints } from '../../src/engine/run/curve-points.js';
import { writeCurves } from '../../src/engine/run/curves.js';
import { forEachRecord } from '../../src/engine/run/log-reader.js';
import { RunLog, type LogRecord } from '../../src/engine/run/run-log.js';
import { StepTable } from '../../src/engine/run/step-table.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-log-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (r: Record<string, unknown>) => `${JSON.stringify(r)}\n`;
const step = (iteration: number, loss = 1 / iteration) => line({ kind: 'step', stage: 'warm-up', iteration, lr: 0.01, terms: { loss, seg: loss / 2 } });

/** Every record of `file` and what `warn` was told. */
function read(file: string): { records: LogRecord[]; lines: number[]; warnings: string[] } {
  const records: LogRecord[] = [];
  const lines: number[] = [];
  const warnings: string[] = [];
  forEachRecord(file, (r, n) => (records.push(r), lines.push(n)), { warn: (m) => warnings.push(m) });
  return { records, lines, warnings };
}

describe('lines that are no records', () => {
  test('a line that is not JSON and a `null` are left out, said once with the file and line', () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, step(1) + '{"kind":"step","iteration":2,"lr":0.0\n' + 'null\n' + step(3));
    const r = read(file);
    expect(r.records.map((x) => x.iteration)).toEqual([1, 3]);
    expect(r.lines).toEqual([1, 4]);
    expect(r.warnings).toEqual([`${file}: 2 lines are not log records and are left out: line 2 (not JSON), then line 3`]);
    // No raw JSON.parse position, no "Cannot read properties of null".
    expect(r.warnings[0]).not.toMatch(/position|Unexpected|properties/);

    const one = join(dir, 'null.jsonl');
    writeFileSync(one, step(1) + 'null\n' + step(2));
    expect(read(one).warnings).toEqual([`${one} line 2 is not a log record (null, not a record); it is left out`]);
  });

  test('a cut-off last line (a killed writer) is left out without a word', () => {
    const file = join(dir, 'cut.jsonl');
    writeFileSync(file, step(1) + step(2) + '{"time":"2026-01-01T00:00:00.000Z","kind":"st');
    const r = read(file);
    expect(r.records.map((x) => x.iteration)).toEqual([1, 2]);
    expect(r.warnings).toEqual([]);
  });

  test('a resumed run starts on a line of its own after the cut-off one, which stays unsaid', () => {
    const file = join(dir, 'resumed.jsonl');
    writeFileSync(file, step(1) + step(2) + '{"kind":"step","iter');
    const log = new RunLog(file, { append: true });
    log.write({ kind: 'start', stage: 'warm-up', iteration: 2 });
    log.write({ kind: 'step', stage: 'warm-up', iteration: 3, terms: { loss: 0.3 } });
    const r = read(file);
    expect(r.records.map((x) => x.kind)).toEqual(['step', 'step', 'start', 'step']);
    expect(r.warnings).toEqual([]);
    // A broken line no start follows is damage, and said.
    appendFileSync(file, 'oops\n' + step(4));
    expect(read(file).warnings).toEqual([`${file} line 6 is not a log record (not JSON); it is left out`]);
  });

  test('without a warn, each message goes to stderr once per process (the curves read the log at every evaluation)', () => {
    const file = join(dir, 'twice.jsonl');
    writeFileSync(file, step(1) + '[1, 2]\n' + step(2));
    const said: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (said.push(String(chunk)), true)) as unknown as typeof process.stderr.write;
    try {
      expect(RunLog.read(file)).toHaveLength(2);
      expect(RunLog.read(file)).toHaveLength(2);
    } finally {
      process.stderr.write = write;
    }
    expect(said).toEqual([`diga: ${file} line 2 is not a log record (a list, not a record); it is left out\n`]);
  });

  test('a record longer than the reader\'s 1 MiB chunk is read whole', () => {
    const file = join(dir, 'long-line.jsonl');
    const big = 'x'.repeat(3 << 20);
    writeFileSync(file, step(1) + line({ kind: 'note', text: big, é: 'ü' }) + step(2));
    const r = read(file);
    expect(r.records.map((x) => x.kind)).toEqual(['step', 'note', 'step']);
    expect(r.records[1].text).toBe(big);
    expect(r.records[1]['é']).toBe('ü');
  });
});

describe('steps in columns', () => {
  test('a step logged again by a resumed run reads as its later record, in step order', () => {
    const t = new StepTable();
    for (const [it, v] of [[1, 10], [2, 20], [3, 30], [2, 21], [3, 31], [4, 41]]) t.set('v', t.add(it), v);
    const kept = [...t.kept()];
    expect(kept.map((row) => [t.iteration(row), t.value('v', row)])).toEqual([[1, 10], [2, 21], [3, 31], [4, 41]]);
    expect(t.value('absent', 0)).toBeNaN();
  });

  test('a long curve keeps each stretch\'s lowest and highest point; a short one every point', () => {
    expect(curvePoints(3, (i) => i, (i) => [1, Number.NaN, 3][i])).toEqual([[0, 1], [2, 3]]);
    const n = 100_000;
    const spike = 61_234;
    const points = curvePoints(n, (i) => i, (i) => (i === spike ? 100 : Math.sin(i / 1000)), 1000);
    expect(points.length).toBeLessThanOrEqual(1000);
    expect(points).toContainEqual([spike, 100]);
    for (let k = 1; k < points.length; k++) expect(points[k][0]).toBeGreaterThan(points[k - 1][0]);
  });
});

describe('the curves of a paper-length log', () => {
  test('80 000 step records draw (they overflowed the call stack)', async () => {
    const file = join(dir, 'paper', 'warm-up.jsonl');
    const lines: string[] = [line({ kind: 'start', stage: 'warm-up', iteration: 0, steps: 80_000 })];
    for (let i = 1; i <= 80_000; i++) {
      lines.push(step(i, 2 / Math.sqrt(i)));
      if (i % 2000 === 0) lines.push(line({ kind: 'eval', stage: 'warm-up', iteration: i, miou: 0.5 + i / 400_000 }));
    }
    mkdirSync(join(dir, 'paper'));
    writeFileSync(file, lines.join(''));
    await writeCurves(file, 'warm-up', dir);
    for (const png of ['warm-up-loss.png', 'warm-up-miou.png']) {
      expect(existsSync(join(dir, png))).toBe(true);
      expect((await sharp(readFileSync(join(dir, png))).metadata()).width).toBe(720);
    }
  });
});
