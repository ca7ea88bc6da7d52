// The report page: one HTML file with its style, charts and script inline. A section
// without data says "not recorded" instead.
import path, { basename, type PlatformPath } from 'node:path';
import { sampleLink } from '../samples.js';
import type { Report, TrainingStage } from '../types.js';
import { barChart, lineChart, stepDomain } from './charts.js';
import { bytes, esc, NOT_RECORDED, pct, seconds } from './escape.js';
import { ERROR_TRAP, SCRIPT } from './script.js';
import { STYLE } from './style.js';

const stageName = (stage: string, round: number | null) => (round === null ? stage : `${stage} (round ${round})`);

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

function value(v: unknown): string {
  return v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v);
}

function runSection(r: Report): string {
  const run = r.run;
  if (!run) return NOT_RECORDED;
  const out: string[] = [];
  const command = !run.argv ? NOT_RECORDED : run.argv.length === 0 ? '<p class="none">run from a script (no command line)</p>' : `<pre class="cmd">diga ${esc(run.argv.map(quoteArg).join(' '))}</pre>`;
  out.push('<h3>Command</h3>', command);
  const v = run.versions;
  out.push(
    '<div class="row"><div>',
    '<h3>Versions and device</h3>',
    v
      ? `<table><tr><th class="name">diga</th><td class="name">${esc(v.diga)}</td></tr><tr><th class="name">libtorch</th><td class="name">${esc(v.libtorch)}</td></tr>` +
          `<tr><th class="name">node</th><td class="name">${esc(v.node)}</td></tr><tr><th class="name">device</th><td class="name">${esc(run.device ?? '–')} (${esc(v.deviceName)})</td></tr></table>`
      : NOT_RECORDED,
  );
  out.push('</div><div>', '<h3>Time and memory per stage</h3>');
  if (run.stages.length === 0) out.push(NOT_RECORDED);
  else {
    const rows = run.stages.map(
      (s) =>
        `<tr><td class="name">${esc(stageName(s.stage, s.round))}</td><td>${esc(seconds(s.seconds))}</td><td>${s.secondsPerStep === null ? '–' : esc(s.secondsPerStep.toFixed(3))}</td>` +
        `<td>${s.imagesPerSecond === null ? '–' : esc(s.imagesPerSecond.toFixed(2))}</td><td>${esc(bytes(s.maxRssBytes))}</td><td>${esc(bytes(s.devicePeakBytes))}</td></tr>`,
    );
    out.push(
      `<table><tr><th class="name">stage</th><th>wall time</th><th>s/step</th><th>images/s</th><th>peak RSS</th><th>peak device memory</th></tr>${rows.join('')}` +
        `${run.totalSeconds === null ? '' : `<tr><th class="name">pipeline</th><th>${esc(seconds(run.totalSeconds))}</th><th></th><th></th><th></th><th></th></tr>`}</table>`,
      '<p class="note">s/step leaves out evaluation, checkpoints and sample grids; images/s counts every image a step reads, over all ranks.</p>',
    );
  }
  out.push('</div></div>');
  out.push(`<h3>Config (preset <code>${esc(run.preset)}</code>)</h3>`);
  if (run.config.length === 0) out.push(NOT_RECORDED);
  else {
    const differing = run.config.filter((c) => c.differs);
    const row = (c: (typeof run.config)[number]) =>
      `<tr${c.differs ? ' class="differs"' : ''}><td class="name"><code>${esc(c.key)}</code></td><td class="name">${esc(value(c.value))}</td><td class="name">${esc(value(c.presetValue))}</td></tr>`;
    const head = '<tr><th class="name">key</th><th class="name">value</th><th class="name">preset</th></tr>';
    out.push(
      `<p>${differing.length} of ${run.config.length} values ${differing.length === 1 ? 'differs' : 'differ'} from the preset (highlighted).</p>`,
      `<table>${head}${differing.map(row).join('')}</table>`,
      `<details><summary>every value</summary><table>${head}${run.config.map(row).join('')}</table></details>`,
    );
  }
  return out.join('');
}

function trainingSection(t: TrainingStage): string {
  const domain = stepDomain(t.steps, [t.lr, t.miou, ...t.terms.map((s) => s.points)]);
  const best = t.best;
  const figures = `<div class="figures"><div>steps<b>${t.lastStep} / ${t.steps}</b></div><div>best val mIoU<b>${best ? `${pct(best.miou)} at step ${best.step}` : '–'}</b></div></div>`;
  const losses = t.terms.length > 0 ? lineChart({ series: t.terms, xDomain: domain, label: `${t.label} loss terms` }) : NOT_RECORDED;
  const lr = t.lr.length > 0 ? lineChart({ series: [{ name: 'lr', points: t.lr }], xDomain: domain, height: 180, label: `${t.label} learning rate` }) : NOT_RECORDED;
  const miou =
    t.miou.length > 0
      ? lineChart({
          series: [{ name: 'val mIoU (%)', points: t.miou }],
          xDomain: domain,
          percent: true,
          mark: best ? { x: best.step, y: best.miou, label: `best ${pct(best.miou)} @ ${best.step}` } : undefined,
          label: `${t.label} validation mIoU`,
        })
      : NOT_RECORDED;
  return (
    `<h3>${esc(t.label)}</h3>${figures}<div class="grid2"><figure><figcaption>loss terms</figcaption>${losses}</figure>` +
    `<figure><figcaption>val mIoU (best marked)</figcaption>${miou}</figure><figure><figcaption>learning rate</figcaption>${lr}</figure></div>`
  );
}

function classSection(r: Report): string {
  const c = r.classes;
  if (!c) return NOT_RECORDED;
  const head = `<tr><th class="name">class</th>${c.columns.map((col) => `<th>${esc(col.label)}${col.step === null ? '' : `<br><small>step ${col.step}</small>`}</th>`).join('')}<th>gain</th></tr>`;
  const rows = c.names.map((name, k) => {
    const cells = c.absent[k]
      ? c.columns.map(() => '<td class="absent">absent</td>').join('')
      : c.columns.map((col) => `<td>${esc(pct(col.iou[k]))}</td>`).join('');
    const g = c.gain[k];
    const gain = c.absent[k] ? '<td class="absent">absent</td>' : `<td class="${g === null ? '' : g > 0 ? 'up' : g < 0 ? 'down' : ''}">${g === null ? '–' : `${g > 0 ? '+' : ''}${esc(pct(g))}`}</td>`;
    return `<tr><td class="name">${esc(name)}</td>${cells}${gain}</tr>`;
  });
  const means = c.columns.map((col) => col.miou);
  const gainOfMean = means.length > 1 && means[0] !== null && means[means.length - 1] !== null ? means[means.length - 1]! - means[0]! : null;
  const foot = `<tr><th class="name">mIoU</th>${means.map((m) => `<th>${esc(pct(m))}</th>`).join('')}<th>${gainOfMean === null ? '–' : `${gainOfMean > 0 ? '+' : ''}${esc(pct(gainOfMean))}`}</th></tr>`;
  const chart = barChart({
    categories: c.names,
    groups: c.columns.map((col) => ({ name: col.label, values: col.iou })),
    absent: c.absent,
    percent: true,
    yDomain: [0, 1],
    label: 'IoU per class',
  });
  return (
    `<p>IoU (%) of each stage's best evaluation (the weights it keeps); gain: the last column minus the first. ` +
    `A class with no pixel in the val set is absent, not 0.</p><div class="grid2"><table>${head}${rows.join('')}${foot}</table><figure>${chart}</figure></div>`
  );
}

function pseudoLabelSection(r: Report): string {
  if (r.pseudoLabels.length === 0) return NOT_RECORDED;
  return r.pseudoLabels
    .map((p) => {
      const figures = `<div class="figures"><div>images<b>${p.images ?? '–'}</b></div><div>mIoU against the ground truth<b>${p.iou ? pct(p.miou) : 'no ground truth'}</b></div></div>`;
      const groups = [
        ...(p.histogram ? [{ name: `pseudo-labels, round ${p.round}`, values: p.histogram }] : []),
        ...(p.labelledHistogram ? [{ name: 'labelled set', values: p.labelledHistogram }] : []),
      ];
      const hist = groups.length > 0 ? barChart({ categories: r.classNames, groups, percent: true, label: `class histogram, round ${p.round}` }) : NOT_RECORDED;
      const iou = p.iou
        ? barChart({ categories: r.classNames, groups: [{ name: `pseudo-label IoU, round ${p.round}`, values: p.iou }], percent: true, yDomain: [0, 1], label: `pseudo-label IoU, round ${p.round}` })
        : '';
      return `<h3>Round ${p.round}</h3>${figures}<div class="grid2"><figure><figcaption>share of pixels per class</figcaption>${hist}</figure>${iou ? `<figure><figcaption>IoU per class against the ground truth</figcaption>${iou}</figure>` : ''}</div>`;
    })
    .join('');
}

/** The longest self-training round's configured steps (the consensus and drift charts' step axis). */
function selfTrainSteps(r: Report): number {
  let last = 1;
  for (const t of r.training) if (t.stage === 'self-train') last = Math.max(last, t.steps);
  return last;
}

function consensusSection(r: Report): string {
  if (r.consensus.length === 0) return NOT_RECORDED;
  const last = selfTrainSteps(r);
  const line = lineChart({
    series: r.consensus.map((c) => ({ name: c.label, points: c.kept })),
    xDomain: stepDomain(last, r.consensus.map((c) => c.kept)),
    yDomain: [0, 1],
    percent: true,
    label: 'consensus kept share',
  });
  const bars = barChart({
    categories: r.classNames,
    groups: r.consensus.map((c) => ({ name: c.label, values: c.perClass.map((p) => p.share) })),
    percent: true,
    yDomain: [0, 1],
    label: 'consensus kept share per class',
  });
  return (
    '<p>The share of pseudo-labelled pixels that bilateral consensus keeps (the nearest centroid agrees), at each log step; ' +
    'per class over all logged steps (no bar: the class was never pseudo-labelled there).</p>' +
    `<div class="grid2"><figure><figcaption>kept share (%) per log step</figcaption>${line}</figure><figure><figcaption>kept share (%) per class</figcaption>${bars}</figure></div>`
  );
}

function driftSection(r: Report): string {
  if (r.centroidDrift.length === 0) return NOT_RECORDED;
  const last = selfTrainSteps(r);
  const line = lineChart({
    series: r.centroidDrift.flatMap((d) => [
      { name: `${d.label} mean`, points: d.mean },
      { name: `${d.label} max`, points: d.max },
    ]),
    xDomain: stepDomain(last, r.centroidDrift.map((d) => d.mean)),
    label: 'centroid drift over steps',
  });
  const bars = barChart({
    categories: r.classNames,
    groups: r.centroidDrift.map((d) => ({ name: `${d.label} (step ${d.lastStep})`, values: d.last })),
    label: 'centroid drift per class',
  });
  return (
    "<p>Euclidean distance of each class centroid from where its self-training round started (the centroid stage's output).</p>" +
    `<div class="grid2"><figure><figcaption>mean and largest distance per log step</figcaption>${line}</figure><figure><figcaption>distance per class at the last log step</figcaption>${bars}</figure></div>`
  );
}

function samplesSection(r: Report, o: PageOptions): string {
  if (r.samples.length === 0) return NOT_RECORDED;
  const links = r.samples.map((s) => sampleLink(r.runDir, o.pageDir, s.file, o.paths));
  const items = r.samples.map(
    (s, i) => `<figure><img src="${esc(links[i].href)}" alt="${esc(`${s.stage} step ${s.step}`)}"><figcaption>${esc(stageName(s.stage, s.round))}, step ${s.step} — ${esc(s.file)}</figcaption></figure>`,
  );
  // Said on the page itself, since a copy of it elsewhere shows no grids and no reason.
  const absolute = links.some((l) => !l.relative)
    ? `<p class="warn">No relative link leads from this page's folder (${esc(o.pageDir)}) to the run folder (${esc(r.runDir)}): ` +
      'they are on different drives or shares. The grids are linked by their absolute file: URLs, so they show only while the run folder is there; ' +
      'write the page on the run\'s drive for links that move with it.</p>'
    : '';
  return `${absolute}<div class="samples">${items.join('')}</div>`;
}

function distributedSection(r: Report): string {
  const d = r.distributed;
  if (!d) return '<p>One process (no data parallelism).</p>';
  const rows = d.checks.map((c) => `<tr><td class="name">${esc(c.label)}</td><td>${c.step}</td><td>${c.tensors}</td><td class="name">identical</td></tr>`);
  return (
    `<p>${d.ranks} ranks. Replica checks (the sums of every parameter, teacher and centroid tensor agree on every rank; a failing check stops the run):</p>` +
    (rows.length > 0 ? `<table><tr><th class="name">stage</th><th>step</th><th>tensors</th><th class="name">result</th></tr>${rows.join('')}</table>` : NOT_RECORDED)
  );
}

/** Where the page is written: its links are relative to that folder. */
export interface PageOptions {
  /** The page's folder (default: the run folder). */
  pageDir: string;
  /** node:path, or path.win32 to render Windows' paths on any system. */
  paths: PlatformPath;
}

const SECTIONS: Array<[string, string, (r: Report, o: PageOptions) => string]> = [
  ['run', 'Run', runSection],
  ['training', 'Training', (r) => (r.training.length > 0 ? r.training.map(trainingSection).join('') : NOT_RECORDED)],
  ['classes', 'Per class', classSection],
  ['pseudo-labels', 'Pseudo-labels', pseudoLabelSection],
  ['consensus', 'Consensus', consensusSection],
  ['drift', 'Centroid drift', driftSection],
  ['samples', 'Sample grids', samplesSection],
  ['distributed', 'Data parallelism', distributedSection],
];

/** The whole page for a report, to be written into `options.pageDir` (default: the run folder). */
export function renderReport(r: Report, options: Partial<PageOptions> = {}): string {
  const o: PageOptions = { pageDir: options.pageDir ?? r.runDir, paths: options.paths ?? path };
  const title = `diga run report: ${basename(r.runDir)}`;
  const summary = r.classes
    ? r.classes.columns.map((c) => `${c.label} ${pct(c.miou)}`).join(' → ')
    : 'no evaluation recorded';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<script>${ERROR_TRAP}</script>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p>${esc(r.runDir)} · built ${esc(r.generated)} · val mIoU (%): ${esc(summary)}</p></header>`,
    `<nav>${SECTIONS.map(([id, name]) => `<a href="#${id}">${esc(name)}</a>`).join('')}</nav>`,
    '<main>',
    ...SECTIONS.map(([id, name, body]) => `<section id="${id}"><h2>${esc(name)}</h2>${body(r, o)}</section>`),
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
