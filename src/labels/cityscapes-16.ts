// SYNTHIA's 16 classes on Cityscapes (DIGA-UDA.md §1): the 19 classes without terrain, truck
// and train, which SYNTHIA does not label; their Cityscapes ids read as 255. The benchmark also
// reports the mean over 13 of them (the 16 without wall, fence, pole).
import { CITYSCAPES_19 } from './cityscapes.js';
import { defineLabelSet } from './label-set.js';

const DROPPED = new Set(['terrain', 'truck', 'train']);
const kept = CITYSCAPES_19.classNames.map((_, id) => id).filter((id) => !DROPPED.has(CITYSCAPES_19.classNames[id]));

export const CITYSCAPES_16 = defineLabelSet({
  name: 'cityscapes-16',
  classNames: kept.map((id) => CITYSCAPES_19.classNames[id]),
  trainIdToLabelId: kept.map((id) => CITYSCAPES_19.trainIdToLabelId[id]),
  palette: kept.map((id) => CITYSCAPES_19.palette[id]),
  subsetMetrics: [
    {
      name: 'mIoU-13',
      classNames: kept.map((id) => CITYSCAPES_19.classNames[id]).filter((name) => !['wall', 'fence', 'pole'].includes(name)),
    },
  ],
});
