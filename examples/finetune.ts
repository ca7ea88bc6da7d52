// Fine-tune a trained student on the labelled images with plain cross
// entropy, then evaluate it: the library used directly, without the stages.
//
//   npx tsx examples/finetune.ts --data data/synthetic --weights work_dir/demo/self-train-round2 --steps 50
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  auxOf,
  CityscapesDataset,
  createTwoScaleLoader,
  demoLists,
  disposeBatch,
  evaluateModel,
  mainAuxLoss,
  readStateDict,
  SegModel,
  SGD,
  tidy,
  TwoScaleSampler,
  uploadBatch,
} from 'diga';

export interface FinetuneOptions {
  /** A dataset written by `diga make-data`. */
  data: string;
  /** A folder holding student.safetensors (or student.pth). */
  weights: string;
  model?: string;
  steps?: number;
  lr?: number;
  crop?: [number, number];
  device?: string;
}

export async function finetune(o: FinetuneOptions): Promise<{ before: number | null; after: number | null }> {
  const device = o.device ?? 'cpu';
  const lists = demoLists(o.data);
  const labelled = await CityscapesDataset.open({ root: o.data, split: 'train', imageList: lists.dataListPathCityImgGt!, labelList: lists.dataListPathCityLblGt! });
  const val = await CityscapesDataset.open({ root: o.data, split: 'val', imageList: lists.dataListPathValImg!, labelList: lists.dataListPathValLbl! });

  const model = new SegModel(o.model ?? 'hrnet18-small').to(device);
  const file = ['student.safetensors', 'student.pth'].map((f) => join(o.weights, f)).find((f) => existsSync(f));
  if (file === undefined) throw new Error(`no student weights in ${o.weights}`);
  model.loadStateDict(readStateDict(file));

  const full = val.entries.length > 0 ? await val.read(0).then((s) => ({ height: s.image.height, width: s.image.width })) : { height: 256, width: 512 };
  const crop = o.crop ?? [full.height / 2, full.width / 2];
  const evalCfg = { device, evalScales: [[full.height, full.width]] as [number, number][], evalLimit: 0, loaderConcurrency: 2 };
  const before = (await evaluateModel(model, val, evalCfg)).miou;

  const loader = createTwoScaleLoader({
    dataset: labelled,
    sampler: TwoScaleSampler.create({ size: labelled.entries.length, seed: 0 }),
    config: { crop: { height: crop[0], width: crop[1] }, full },
    steps: o.steps ?? 20,
  });
  const optimizer = new SGD(model.parameters(), { lr: o.lr ?? 1e-3 });
  model.train();
  for await (const batch of loader) {
    const b = uploadBatch(batch, device);
    tidy(() => {
      const out = model.forward(b.images);
      mainAuxLoss({ main: out.main, aux: auxOf(out) }, b.labels).backward();
    });
    optimizer.step();
    optimizer.zeroGrad();
    disposeBatch(b);
  }
  const after = (await evaluateModel(model, val, evalCfg)).miou;
  optimizer.dispose();
  model.dispose();
  return { before, after };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'data/synthetic' },
      weights: { type: 'string', default: 'work_dir/demo/self-train-round2' },
      model: { type: 'string', default: 'hrnet18-small' },
      steps: { type: 'string', default: '50' },
      device: { type: 'string', default: 'cpu' },
    },
  });
  const r = await finetune({ data: values.data!, weights: values.weights!, model: values.model, steps: Number(values.steps), device: values.device });
  console.log(`val mIoU before ${r.before?.toFixed(4)}, after ${r.after?.toFixed(4)}`);
}
