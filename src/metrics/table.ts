// A per-class IoU table for logs and reports.
import { CLASS_NAMES } from '../labels/cityscapes.js';
import type { LabelSet } from '../labels/label-set.js';
import type { SegmentationScores } from './scores.js';
import { subsetScores } from './subset-miou.js';

function percent(v: number | null): string {
  return v === null ? 'n/a' : (100 * v).toFixed(2);
}

/**
 * The scores as a text table: one line per class (IoU in percent, "n/a" where undefined), then
 * mIoU, any subset means the label set names (after mIoU), overall accuracy, mean class accuracy
 * and frequency-weighted IoU. Classes are a label set or plain names (default: the 19
 * Cityscapes classes).
 */
export function formatIouTable(scores: SegmentationScores, classes: LabelSet | readonly string[] = CLASS_NAMES): string {
  const set = isLabelSet(classes) ? classes : undefined;
  const classNames = set ? set.classNames : (classes as readonly string[]);
  if (classNames.length !== scores.iou.length) {
    throw new TypeError(`formatIouTable: ${scores.iou.length} IoU values but ${classNames.length} class names`);
  }
  const rows: Array<[string, string]> = scores.iou.map((v, k) => [classNames[k], percent(v)]);
  const subsets = set ? subsetScores(scores.iou, set).map(({ metric, value }): [string, string] => [metric.name, percent(value)]) : [];
  const summary: Array<[string, string]> = [
    ['mIoU', percent(scores.miou)],
    ...subsets,
    ['overall acc', percent(scores.overallAcc)],
    ['mean acc', percent(scores.meanAcc)],
    ['fwavacc', percent(scores.fwavacc)],
  ];
  const header: [string, string] = ['class', 'IoU %'];
  const all = [header, ...rows, ...summary];
  const w0 = Math.max(...all.map(([a]) => a.length));
  const w1 = Math.max(...all.map(([, b]) => b.length));
  const line = ([a, b]: [string, string]) => `${a.padEnd(w0)}  ${b.padStart(w1)}`;
  const rule = '-'.repeat(w0 + 2 + w1);
  return [line(header), rule, ...rows.map(line), rule, ...summary.map(line)].join('\n');
}

function isLabelSet(classes: LabelSet | readonly string[]): classes is LabelSet {
  return !Array.isArray(classes);
}
