// The run report's data on a tiny generated pipeline run: every section is there and its
// numbers are the logs' own; older run folders and hostile strings do not break the page.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoLists } from '../../src/config/defaults.js';
import { resolveConfig } from '../../src/config/load.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { RunLog, type LogRecord } from '../../src/engine/run/run-log.js';
import { buildReport, type Report } from '../../src/report/build-report.js';
import { renderReport } from '../../src/report/render/page.js';
import { sampleLink } from '../../src/report/samples.js';
import { writeReport } from '../../src/report/write-report.js';
import { runPipeline, type PipelineResult } from '../../src/stages/pipeline.js';
import { packageVersion } from '../../src/version.js';
import { runDiga, runFolders } from '../helpers.js';

let root: string;
let work: string;
let result: PipelineResult;
let report: Report;
const log = (file: string) => RunLog.read(join(work, 'logs', file));
const steps = (records: LogRecord[]) => records.filter((r) => r.kind === 'step');
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Every src and href of a page but its #anchors, as the browser resolves them against the page's folder. */
function pageLinks(page: string): Array<{ link: string; file: string }> {
  const html = readFileSync(page, 'utf8');
  return [...html.matchAll(/\b(?:src|href)="([^"#][^"]*)"/g)].map((m) => {
    const link = m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    return { link, file: resolve(dirname(page), ...decodeURIComponent(link).split('/')) };
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'diga-report-'));
  const data = join(root, 'data');
  await generateDataset({ out: data, train: 16, val: 4, height: 64, width: 128, seed: 1, labelledFraction: 0.125, workers: 0 });
  work = join(root, 'run');
  const cfg = resolveConfig({
    preset: 'demo',
    overrides: {
      ...demoLists(data),
      ...runFolders(work),
      model: 'tiny',
      steps: 4,
      selfTrainSteps: 4,
      evalEvery: 2,
      checkpointEvery: 4,
      logEvery: 2,
      imageEvery: 2,
      centroidEpochs: 1,
      cropSize: [32, 64],
      fullSize: [64, 128],
      evalScales: [[64, 128]],
      loaderConcurrency: 2,
    },
  });
  result = await runPipeline(cfg);
  report = buildReport(work);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the report of a pipeline run', () => {
  test('the pipeline writes report.html into the run folder, with every section', () => {
    expect(result.report).toBe(join(work, 'report.html'));
    const html = readFileSync(join(work, 'report.html'), 'utf8');
    for (const id of ['run', 'training', 'classes', 'pseudo-labels', 'consensus', 'drift', 'samples', 'distributed']) expect(html).toContain(`<section id="${id}">`);
    // Nothing is fetched: no remote URL in any src or href.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.match(/<svg class="chart/g)?.length).toBeGreaterThanOrEqual(12);
  });

  test('the run: versions, command line, config against the preset, time per stage', () => {
    const run = report.run!;
    expect(run.versions?.diga).toBe(packageVersion());
    expect(run.versions?.libtorch).toMatch(/^\d+\.\d+/);
    expect(run.argv).toEqual(process.argv.slice(2));
    expect(run.preset).toBe('paper');
    const model = run.config.find((c) => c.key === 'model')!;
    expect(model).toMatchObject({ value: 'tiny', differs: true });
    expect(run.config.find((c) => c.key === 'momentum')).toMatchObject({ differs: false });
    const pipeline = log('pipeline.jsonl');
    const stageSeconds = pipeline.filter((r) => r.kind === 'stage').map((r) => [r.stage, r.round ?? null, r.seconds]);
    expect(run.stages.map((s) => [s.stage, s.round, s.seconds])).toEqual(stageSeconds);
    expect(run.stages.map((s) => `${s.stage}${s.round ?? ''}`)).toEqual([
      'warm-up', 'pseudo-label1', 'centroids1', 'self-train1', 'pseudo-label2', 'centroids2', 'self-train2', 'evaluate',
    ]);
    expect(run.totalSeconds).toBe(pipeline.find((r) => r.kind === 'end')!.seconds);
    const warm = steps(log('warm-up.jsonl'));
    expect(run.stages[0].secondsPerStep).toBeCloseTo(sum(warm.map((r) => r.secondsPerStep as number)) / warm.length, 12);
    const start = log('warm-up.jsonl').find((r) => r.kind === 'start')!;
    expect(run.stages[0].imagesPerSecond).toBeCloseTo((start.imagesPerStep as number) / run.stages[0].secondsPerStep!, 9);
    expect(run.stages[0].maxRssBytes).toBeGreaterThan(0);
    expect(run.stages[0].devicePeakBytes).toBeNull();
  });

  test('training curves: every term and the lr at each log step, val mIoU with the best step', () => {
    expect(report.training.map((t) => t.label)).toEqual(['warm-up', 'self-train round 1', 'self-train round 2']);
    for (const [t, file] of [
      [report.training[0], 'warm-up.jsonl'],
      [report.training[2], 'round2/self-train.jsonl'],
    ] as const) {
      const records = log(file);
      const s = steps(records);
      expect(t.steps).toBe(4);
      expect(t.lr).toEqual(s.map((r) => [r.iteration, r.lr]));
      expect(t.terms.map((x) => x.name)).toEqual(Object.keys(s[0].terms as object));
      for (const term of t.terms) expect(term.points).toEqual(s.map((r) => [r.iteration, (r.terms as Record<string, number>)[term.name]]));
      const evals = records.filter((r) => r.kind === 'eval');
      expect(t.miou).toEqual(evals.map((r) => [r.iteration, r.miou]));
      const best = evals.reduce((b, r) => ((r.miou as number) > (b.miou as number) ? r : b));
      expect(t.best).toEqual({ step: best.iteration, miou: best.miou });
    }
    expect(report.training[1].terms.map((x) => x.name)).toEqual(['loss', 'seg', 'mix', 'distil']);
  });

  test('per class: each stage\'s best evaluation, absent classes marked, the gain', () => {
    const c = report.classes!;
    expect(c.names).toHaveLength(19);
    expect(c.names[0]).toBe('road');
    expect(c.columns.map((x) => x.label)).toEqual(['warm-up', 'self-train round 1', 'self-train round 2', 'final evaluation']);
    const warmEvals = log('warm-up.jsonl').filter((r) => r.kind === 'eval');
    const best = warmEvals.reduce((b, r) => ((r.miou as number) > (b.miou as number) ? r : b));
    expect(c.columns[0]).toEqual({ label: 'warm-up', iou: best.iou, step: best.iteration, miou: best.miou });
    const final = log('pipeline.jsonl').find((r) => r.kind === 'stage' && r.stage === 'evaluate')!;
    expect(c.columns[3].iou).toEqual(final.iou);
    expect(c.absent).toEqual((final.support as number[]).map((n) => n === 0));
    // Four 64×128 val images do not hold all 19 classes.
    expect(c.absent.some((a) => a)).toBe(true);
    expect(c.absent.some((a) => !a)).toBe(true);
    c.gain.forEach((g, k) => {
      if (c.absent[k]) expect(g).toBeNull();
      else if (c.columns[0].iou[k] !== null && c.columns[3].iou[k] !== null) expect(g).toBeCloseTo(c.columns[3].iou[k]! - c.columns[0].iou[k]!, 12);
    });
    const html = renderReport(report);
    expect(html).toContain('<td class="absent">absent</td>');
  });

  test('pseudo-labels per round: mIoU against the ground truth, histogram against the labelled set', () => {
    const pipeline = log('pipeline.jsonl');
    const records = pipeline.filter((r) => r.kind === 'stage' && r.stage === 'pseudo-label');
    expect(report.pseudoLabels.map((p) => p.round)).toEqual([1, 2]);
    expect(report.pseudoLabels.map((p) => p.miou)).toEqual(result.pseudoLabelMiou);
    expect(report.pseudoLabels.map((p) => p.miou)).toEqual(records.map((r) => r.miou));
    for (const [i, p] of report.pseudoLabels.entries()) {
      const counts = records[i].histogram as number[];
      // 14 unlabelled 64×128 images, every pixel labelled.
      expect(sum(counts)).toBe(14 * 64 * 128);
      expect(p.histogram).toEqual(counts.map((n) => n / sum(counts)));
      const labelled = pipeline.find((r) => r.kind === 'labelled-histogram')!.histogram as number[];
      expect(p.labelledHistogram).toEqual(labelled.map((n) => n / sum(labelled)));
    }
  });

  test('consensus kept share per log step and per class; centroid drift per class', () => {
    expect(report.consensus.map((c) => c.round)).toEqual([1, 2]);
    for (const [i, c] of report.consensus.entries()) {
      const s = steps(log(`round${i + 1}/self-train.jsonl`));
      // Log steps only (logEvery 2 of 4 steps).
      expect(s.map((r) => r.iteration)).toEqual([2, 4]);
      const stats = s.map((r) => r.stats as Record<string, number[]>);
      expect(c.kept).toEqual(s.map((r, j) => [r.iteration, sum(stats[j].consensusKept) / sum(stats[j].consensusPseudo)]));
      for (const [, share] of c.kept) expect(share).toBeGreaterThanOrEqual(0), expect(share).toBeLessThanOrEqual(1);
      expect(c.perClass).toHaveLength(19);
      c.perClass.forEach((p, k) => {
        expect(p.kept).toBe(stats[0].consensusKept[k] + stats[1].consensusKept[k]);
        expect(p.kept).toBeLessThanOrEqual(p.pseudo);
      });
      const d = report.centroidDrift[i];
      expect(d.last).toEqual(stats[1].centroidDrift);
      expect(d.lastStep).toBe(4);
      expect(d.mean[1][1]).toBeCloseTo(sum(stats[1].centroidDrift) / 19, 12);
      // The centroids moved (momentum 1e-4 or more, over four steps), and each class by at most what any moved.
      expect(d.max[1][1]).toBeGreaterThan(0);
    }
  });

  test('sample grids with their step, per round; one process', () => {
    expect(report.samples.map((s) => [s.file, s.step])).toEqual([
      ['images/warm-up-000002.jpg', 2],
      ['images/warm-up-000004.jpg', 4],
      ['images/round1/self-train-000002.jpg', 2],
      ['images/round1/self-train-000004.jpg', 4],
      ['images/round2/self-train-000002.jpg', 2],
      ['images/round2/self-train-000004.jpg', 4],
    ]);
    for (const s of report.samples) expect(existsSync(join(work, s.file))).toBe(true);
    expect(report.distributed).toBeNull();
  });

  test('a page written into another folder links the sample grids from there', () => {
    const pages = [join(root, 'elsewhere', 'deeper', 'report.html'), join(work, 'images', 'report.html'), join(root, 'report.html')];
    for (const page of pages) {
      mkdirSync(dirname(page), { recursive: true });
      const warnings: string[] = [];
      writeReport(work, page, { warn: (m) => warnings.push(m) });
      const links = pageLinks(page);
      expect(links.length, page).toBeGreaterThanOrEqual(report.samples.length);
      for (const { link, file } of links) {
        expect(link, page).not.toMatch(/^[a-z][\w+.-]*:/i);
        expect(existsSync(file), `${link} from ${page}`).toBe(true);
      }
      expect(warnings).toEqual([]);
      expect(readFileSync(page, 'utf8')).not.toContain('class="warn"');
    }
    // The command as a user runs it: the page in a folder of its own, beside nothing of the run's.
    const out = join(root, 'shared', 'run report.html');
    const r = runDiga('report', work, '--out', out);
    expect(r.status).toBe(0);
    const links = pageLinks(out);
    expect(links.map((l) => l.file)).toEqual(report.samples.map((s) => join(work, s.file)));
    for (const { file } of links) expect(existsSync(file)).toBe(true);
  });

  test('where no relative link reaches the grids (another drive), the page says so and links them absolutely', () => {
    // Windows' paths, checked on any system.
    expect(sampleLink('C:\\runs\\demo', 'C:\\pages', 'images/round1/self-train-000002.jpg', win32)).toEqual({
      href: '../runs/demo/images/round1/self-train-000002.jpg',
      relative: true,
    });
    expect(sampleLink('D:\\runs\\my demo', 'C:\\pages', 'images/warm-up-000002.jpg', win32)).toEqual({
      href: 'file:///D:/runs/my%20demo/images/warm-up-000002.jpg',
      relative: false,
    });
    expect(sampleLink('\\\\server\\share\\run', 'C:\\pages', 'images/warm-up-000002.jpg', win32).relative).toBe(false);
    const far = renderReport({ ...report, runDir: 'D:\\runs\\demo' }, { pageDir: 'C:\\pages', paths: win32 });
    expect(far).toContain(`<p class="warn">No relative link leads from this page's folder (C:\\pages) to the run folder (D:\\runs\\demo)`);
    expect(far).toContain('<img src="file:///D:/runs/demo/images/warm-up-000002.jpg"');
    const near = renderReport({ ...report, runDir: 'C:\\runs\\demo' }, { pageDir: 'C:\\pages', paths: win32 });
    expect(near).not.toContain('class="warn"');
    expect(near).toContain('<img src="../runs/demo/images/warm-up-000002.jpg"');
  });

  test('`diga report` writes the page and the data as JSON', () => {
    const out = join(root, 'copy.html');
    const json = join(root, 'report.json');
    const r = runDiga('report', work, '--out', out, '--json', json);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<section id="consensus">');
    const data = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(data.classes).toEqual(report.classes);
    expect(runDiga('report', join(root, 'data')).out).toContain('no run logs');
  });
});

describe('older and odd run folders', () => {
  test('a warm-up log without the new fields: the page opens and says what is not recorded', () => {
    const old = join(root, 'old');
    mkdirSync(join(old, 'logs'), { recursive: true });
    // The fields earlier versions logged, no more.
    const lines = log('warm-up.jsonl').map((r) => {
      const keep = ['time', ...({ step: ['kind', 'stage', 'iteration', 'lr', 'terms'], eval: ['kind', 'stage', 'iteration', 'miou', 'iou', 'best'], start: ['kind', 'stage', 'iteration', 'steps', 'model', 'device'], end: ['kind', 'stage', 'iteration', 'bestMiou'] }[r.kind] ?? [])];
      return JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => keep.includes(k))));
    });
    writeFileSync(join(old, 'logs', 'warm-up.jsonl'), `${lines.join('\n')}\n`);
    const r = buildReport(old);
    expect(r.run?.versions).toBeNull();
    // Wall time from the records' time stamps; no s/step (an evaluation comes between the two log steps).
    const times = log('warm-up.jsonl').map((x) => Date.parse(x.time as string) / 1000);
    expect(r.run?.stages[0]).toMatchObject({ stage: 'warm-up', secondsPerStep: null, imagesPerSecond: null, maxRssBytes: null });
    expect(r.run?.stages[0].seconds).toBeCloseTo(times[times.length - 1] - times[0], 6);
    expect(r.training[0].lr).toEqual(report.training[0].lr);
    // Without the val pixel counts, a class is absent where no evaluation defines its IoU.
    expect(r.classes!.absent).toEqual(r.classes!.columns[0].iou.map((v) => v === null));
    expect(r.consensus).toEqual([]);
    const html = readFileSync(writeReport(old), 'utf8');
    expect(html.match(/not recorded/g)!.length).toBeGreaterThanOrEqual(5);
  });

  test('a copied run folder shows its own grids, not those an earlier run left there', () => {
    const copy = join(root, 'copy');
    cpSync(work, copy, { recursive: true });
    const stale = join(copy, 'images', 'round1', 'self-train-000099.jpg');
    cpSync(join(copy, 'images', 'round1', 'self-train-000002.jpg'), stale);
    const dayAgo = Date.now() / 1000 - 86_400;
    utimesSync(stale, dayAgo, dayAgo);
    expect(buildReport(copy).samples).toEqual(report.samples);
  });

  test('every logged string is escaped', () => {
    const odd = join(root, 'odd');
    cpSync(join(work, 'logs'), join(odd, 'logs'), { recursive: true });
    const file = join(odd, 'logs', 'pipeline.jsonl');
    const records = RunLog.read(file);
    const start = records.find((r) => r.kind === 'start')!;
    start.argv = ['pipeline', '--log-dir', '</pre><script>window.bad=1</script>'];
    (start.config as Record<string, unknown>).genImgDir = '"><img src=x onerror=alert(1)>';
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const html = renderReport(buildReport(odd));
    expect(html).not.toContain('<script>window.bad');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;window.bad=1&lt;/script&gt;');
  });
});

/** Debian's chromium (or a Chrome) on PATH; `CHROMIUM` names another. */
function findChromium(): string | null {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

const chromium = findChromium();
if (!chromium) {
  process.stderr.write('test/report: no chromium on PATH, the browser test is skipped (`npm test` installs it as root: scripts/bootstrap.sh --test)\n');
}

describe.skipIf(!chromium)('the page in headless Chromium', () => {
  const WIDTH = 1400;
  /** One headless run on the run's report (or `page`); the console goes to stderr. */
  const browseAt = (page: string, ...args: string[]) => {
    const flags = ['--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', '--enable-logging=stderr', '--v=0', '--virtual-time-budget=3000'];
    const r = spawnSync(chromium!, [...flags, ...args, pathToFileURL(page).href], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr}`);
    // Uncaught exceptions and console.error calls show as CONSOLE lines.
    expect(r.stderr.split('\n').filter((l) => /CONSOLE/.test(l) && /Uncaught|Error/.test(l))).toEqual([]);
    return r.stdout;
  };
  const browse = (...args: string[]) => browseAt(join(work, 'report.html'), ...args);

  test('the charts draw, the script runs without errors, the sample grids load', async () => {
    // The page as the browser built it: the script records each chart's box, the page height,
    // the images that loaded, and any error.
    const dom = browse(`--window-size=${WIDTH},1000`, '--dump-dom');
    const html = /<html[^>]*>/.exec(dom)![0];
    expect(html).not.toContain('data-script-error');
    const attr = (name: string) => JSON.parse(new RegExp(`${name}="([^"]*)"`).exec(html)![1].replace(/&quot;/g, '"'));
    const charts = attr('data-charts') as Array<[number, number, number, number, 'line' | 'bars']>;
    expect(charts.length).toBe(report.training.length * 3 + 1 + 2 * report.pseudoLabels.length + 4);
    expect(attr('data-images')).toEqual({ loaded: report.samples.length, total: report.samples.length });
    const height = attr('data-height') as number;
    // The whole page in one screenshot.
    const shot = join(root, 'report.png');
    browse(`--window-size=${WIDTH},${height}`, `--screenshot=${shot}`);
    const { data, info } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([WIDTH, height]);
    // The series colours (charts.ts COLOURS), give or take anti-aliasing.
    const series = [[0x1f, 0x77, 0xb4], [0xd6, 0x27, 0x28], [0x2c, 0xa0, 0x2c], [0xff, 0x7f, 0x0e]];
    for (const [left, top, w, h, kind] of charts) {
      let inked = 0;
      let coloured = 0;
      for (let y = top; y < top + h; y++) {
        for (let x = left; x < left + w; x++) {
          const i = (y * info.width + x) * 3;
          const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
          if (r + g + b < 3 * 235) inked++;
          if (series.some((q) => Math.abs(r - q[0]) + Math.abs(g - q[1]) + Math.abs(b - q[2]) < 40)) coloured++;
        }
      }
      // Not blank: axes, ticks and labels; and a line chart's lines (more than its legend swatches).
      expect(inked / (w * h), `ink in the ${kind} chart at ${left},${top}`).toBeGreaterThan(0.01);
      if (kind === 'line') expect(coloured, `lines in the chart at ${left},${top}`).toBeGreaterThan(300);
    }
  }, 60_000);

  test('a page written into another folder loads every sample grid', () => {
    const page = join(root, 'browsed', 'report.html');
    mkdirSync(dirname(page), { recursive: true });
    writeReport(work, page);
    const html = /<html[^>]*>/.exec(browseAt(page, '--window-size=1000,1000', '--dump-dom'))![0];
    const images = JSON.parse(/data-images="([^"]*)"/.exec(html)![1].replace(/&quot;/g, '"'));
    expect(images).toEqual({ loaded: report.samples.length, total: report.samples.length });
  }, 60_000);
});
