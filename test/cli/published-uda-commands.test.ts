// The published GTA5 → Cityscapes README, command by command, translated as the
// semi-supervised one is (`python X.py` → `diga <stage>`, snake_case → kebab-case,
// `--cuda_device_id 0` → `--device cpu`), with a small-run config, from a folder laid
// out like the published repository (./data/GTA5, ./data/Cityscapes) on generated
// data. Each stage must read and write exactly the folders its flags name; the
// commands that name only a weight folder tell the setting from the weights.
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPthTensor } from '../../src/checkpoint/index.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { generateSourceDataset } from '../../src/data/synthetic/generate-source.js';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { publishedFolder } from './published-folder.js';
import { limitFor } from '../limits.js';

const haveBuild = existsSync('dist/index.js');
const { root, diga, ls } = publishedFolder('diga-published-uda-');
const lists = './util/loader/cityscapes_list';

const SMALL = {
  model: 'deeplabv2-tiny', translator: 'tiny', cropSize: [64, 96], sourceSizes: [[64, 128], [96, 192]], targetSizes: [[64, 128], [96, 192]],
  evalScales: [[96, 192], [64, 128]], steps: 2, selfTrainSteps: 2, translatorSteps: 2, translatorSaveEvery: 2, evalEvery: 2, checkpointEvery: 2,
  logEvery: 1, imageEvery: 2, loaderConcurrency: 2, centroidEpochs: 1,
  dataListPathCityImg: `${lists}/train.txt`, dataListPathCityLbl: `${lists}/train_label.txt`,
  dataListPathTrainImg: `${lists}/train.txt`, dataListPathTrainLbl: `${lists}/train_label.txt`,
  dataListPathValImg: `${lists}/val.txt`, dataListPathValLbl: `${lists}/val_label.txt`,
};

beforeAll(async () => {
  if (!haveBuild) return;
  await generateDataset({ out: join(root, 'data/Cityscapes'), train: 6, val: 2, height: 96, width: 192, seed: 5, labelledFraction: 0.5, workers: 0 });
  await generateSourceDataset({ out: join(root, 'data/GTA5'), count: 6, height: 96, width: 192, seed: 6, workers: 0 });
  mkdirSync(join(root, 'util/loader'), { recursive: true });
  symlinkSync(join(root, 'data/Cityscapes/lists'), join(root, 'util/loader/cityscapes_list'));
  writeFileSync(join(root, 'small.json'), JSON.stringify(SMALL));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const W = './work_dir/weights_DiGA_warm_up/';
const ST = './work_dir/weights_DiGA_ST/';
const G = '--gta5-data-path ./data/GTA5 --city-data-path ./data/Cityscapes';
const selfTrain = (load: string, pseudo: string) => `self-train ${G} --load-weight-dir ${load} --save-weight-dir ${ST}
  --pseudo-dir ${pseudo} --centroid-dir ./work_dir/class_centroids/feat_centroids
  --log-dir ./work_dir/log_DiGA_ST --gen-img-dir ./work_dir/generated_imgs_DiGA_ST --device cpu`;

describe.skipIf(!haveBuild)('the published GTA5 README, command by command', () => {
  test('each stage reads and writes the folders its flags name', async () => {
    // Stage 0 before the translator exists: warm-up names what is missing and how to make it.
    const early = await diga(`warm-up ${G} --weight-dir ${W} --log-dir ./work_dir/log_DiGA_warm_up --gen-img-dir ./work_dir/generated_imgs_DiGA_warm_up --device cpu`);
    expect(early.code).not.toBe(0);
    expect(early.err).toMatch(/no enc_s weights in .*weights_DiGA_warm_up.*diga translate/);

    // 0. The translator, saved into the warm-up folder.
    const tr = await diga(`translate ${G} --weight-dir ${W} --log-dir ./work_dir/log_domain_translator --gen-img-dir ./work_dir/generated_imgs_domain_translator --device cpu`);
    expect(tr.code, tr.err).toBe(0);
    expect(tr.out).toMatch(/no GTA5 list given: using all 6 PNG images.*--data-list-path-gta5/i);
    expect(ls(W)).toEqual(['dec_s2t.safetensors', 'enc_s.safetensors', 'translator-state.safetensors']);
    expect(ls('work_dir/log_domain_translator')).toContain('translate.jsonl');

    // 1. Warm-up from the translator in the same folder.
    const warm = await diga(`warm-up ${G} --weight-dir ${W} --log-dir ./work_dir/log_DiGA_warm_up --gen-img-dir ./work_dir/generated_imgs_DiGA_warm_up --device cpu`);
    expect(warm.code, warm.err).toBe(0);
    expect(ls(W)).toEqual(['dec_s2t.safetensors', 'enc_s.safetensors', 'state.safetensors', 'student.safetensors', 'teacher.safetensors', 'translator-state.safetensors']);
    expect(readTrainStateRecord(join(root, W, 'state.safetensors')).config).toMatchObject({ source: 'gta5', model: 'deeplabv2-tiny', labels: 'cityscapes-19' });

    // 2. Pseudo-labels: the script names no dataset, so the weights tell the setting.
    const pl = await diga(`pseudo-label --city-data-path ./data/Cityscapes --weight-dir ${W} --output-dir ./data/Cityscapes/pseudo_train_warm_up --device cpu`);
    expect(pl.code, pl.err).toBe(0);
    expect(pl.err).toContain('holds a DeepLabV2 of 19 classes: using --preset gta5');
    expect(ls('data/Cityscapes/pseudo_train_warm_up')).toHaveLength(6); // every target training image

    // 3. Centroids of the target, in the folder given.
    const c = await diga(`centroids ${G} --weight-dir ${W} --centroid-dir ./work_dir/class_centroids/ --device cpu`);
    expect(c.code, c.err).toBe(0);
    expect(readPthTensor(join(root, 'work_dir/class_centroids/feat_centroids')).shape).toEqual([19, 16]);

    // 4. Self-training; the translator travels with the best weights.
    const st = await diga(selfTrain(W, 'pseudo_train_warm_up'));
    expect(st.code, st.err).toBe(0);
    expect(ls(ST)).toEqual(['dec_s2t.safetensors', 'enc_s.safetensors', 'state.safetensors', 'student.safetensors', 'teacher.safetensors']);

    // 5–6. The refined round: pseudo-labels from the self-trained weights, self-training again in place.
    const pl2 = await diga(`pseudo-label --city-data-path ./data/Cityscapes --weight-dir ${ST} --output-dir ./data/Cityscapes/pseudo_train_ST --device cpu`);
    expect(pl2.code, pl2.err).toBe(0);
    const st2 = await diga(selfTrain(ST, 'pseudo_train_ST'));
    expect(st2.code, st2.err).toBe(0);
    expect(st2.out).toContain(`translator from ${join(ST, 'enc_s.safetensors')}`);

    // 7. Evaluation.
    const ev = await diga(`evaluate --city-data-path ./data/Cityscapes --weight-dir ${ST} --device cpu`);
    expect(ev.code, ev.err).toBe(0);
    expect(ev.out).toContain(`weights ${join(ST, 'student.safetensors')}, 2 images`);

    expect(ls('work_dir')).toEqual([
      'class_centroids', 'generated_imgs_DiGA_ST', 'generated_imgs_DiGA_warm_up', 'generated_imgs_domain_translator',
      'log_DiGA_ST', 'log_DiGA_warm_up', 'log_domain_translator', 'weights_DiGA_ST', 'weights_DiGA_warm_up',
    ]);
    expect(ls('.')).toEqual(['data', 'small.json', 'util', 'work_dir']);
  }, limitFor(52.4));

  test('bad input is named: both sources at once, a missing source folder', async () => {
    const both = await diga(`warm-up --gta5-data-path ./data/GTA5 --synthia-data-path ./data/SYNTHIA --device cpu`);
    expect(both.code).not.toBe(0);
    expect(both.err).toMatch(/--gta5-data-path and --synthia-data-path name the same thing/);
    const missing = await diga(`translate --gta5-data-path ./data/nowhere --city-data-path ./data/Cityscapes --weight-dir ./work_dir/x --device cpu`);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('nowhere');
    expect(existsSync(join(root, 'work_dir/x/enc_s.safetensors'))).toBe(false);
  });
});
