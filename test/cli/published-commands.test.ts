// The published README's seven commands, translated mechanically (`python X.py` → `diga
// <stage>`, snake_case → kebab-case, `--cuda_device_id 0` → `--device cpu`) and given a
// small-run config, run from a folder laid out like the published repository
// (./data/Cityscapes, ./util/loader/cityscapes_list) on generated data. Each stage must read
// and write exactly the folders its flags name.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPthTensor } from '../../src/checkpoint/index.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { publishedFolder } from './published-folder.js';
import { limitFor } from '../limits.js';

const run = promisify(execFile);
const bin = resolve('bin/diga.js');
const haveBuild = existsSync('dist/index.js');
const { root, diga, ls } = publishedFolder('diga-published-');
const lists = './util/loader/cityscapes_list/split_train';

/** The small-run config every command gets: tiny network, tiny images, a few steps, the generated lists as defaults. */
const SMALL = {
  model: 'tiny', cropSize: [32, 64], fullSize: [64, 128], evalScales: [[64, 128], [32, 64]],
  steps: 4, evalEvery: 2, checkpointEvery: 2, logEvery: 1, imageEvery: 2, loaderConcurrency: 2, centroidEpochs: 1,
  dataListPathCityImg: `${lists}/train_image_unlabeled_1-16.txt`, dataListPathCityLbl: `${lists}/train_label_unlabeled_1-16.txt`,
  dataListPathTrainImg: './util/loader/cityscapes_list/train.txt', dataListPathTrainLbl: './util/loader/cityscapes_list/train_label.txt',
  dataListPathValImg: './util/loader/cityscapes_list/val.txt', dataListPathValLbl: './util/loader/cityscapes_list/val_label.txt',
};

beforeAll(async () => {
  if (!haveBuild) return;
  await generateDataset({ out: join(root, 'data/Cityscapes'), train: 32, val: 4, height: 64, width: 128, seed: 4, labelledFraction: 1 / 16, workers: 0 });
  mkdirSync(join(root, 'util/loader'), { recursive: true });
  symlinkSync(join(root, 'data/Cityscapes/lists'), join(root, 'util/loader/cityscapes_list'));
  writeFileSync(join(root, 'small.json'), JSON.stringify(SMALL));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const W = './work_dir/weights_DiGA_semiseg_1_16_warm_up/';
const ST = './work_dir/weights_DiGA_semiseg_1_16_ST/';
const warmUp = (lblGt: string) => `warm-up --city-data-path ./data/Cityscapes --weight-dir ${W}
  --log-dir ./work_dir/log_DiGA_semiseg_1_16_warm_up --gen-img-dir ./work_dir/generated_imgs_DiGA_semiseg_1_16_warm_up
  --data-list-path-city-img-gt ${lists}/train_image_labeled_1-16.txt --data-list-path-city-lbl-gt ${lblGt}
  --data-list-path-city-img ${lists}/train_image_unlabeled_1-16.txt --data-list-path-city-lbl ${lists}/train_label_unlabeled_1-16.txt --device cpu`;
const selfTrain = (load: string, pseudo: string) => `self-train --city-data-path ./data/Cityscapes --load-weight-dir ${load} --save-weight-dir ${ST}
  --log-dir ./work_dir/log_DiGA_semiseg_1_16_ST --gen-img-dir ./work_dir/generated_imgs_DiGA_semiseg_1_16_ST --pseudo-dir ${pseudo}
  --centroid-dir ./work_dir/class_centroids_1_16/feat_centroids
  --data-list-path-city-img-gt ${lists}/train_image_labeled_1-16.txt --data-list-path-city-lbl-gt ${lists}/train_label_labeled_1-16.txt
  --data-list-path-city-img ${lists}/train_image_unlabeled_1-16.txt --data-list-path-city-lbl ${lists}/train_label_unlabeled_1-16.txt --device cpu`;

describe.skipIf(!haveBuild)('the published README, command by command', () => {
  test('each stage reads and writes the folders its flags name', async () => {
    // 1. Warm-up, exactly as published: one list path there has a stray leading "/".
    const typo = await diga(warmUp(`/util/loader/cityscapes_list/split_train/train_label_labeled_1-16.txt`));
    expect(typo.code).not.toBe(0);
    expect(typo.err).toContain('--data-list-path-city-lbl-gt');
    expect(typo.err).toContain('no list file /util/loader/cityscapes_list/split_train/train_label_labeled_1-16.txt');
    expect(typo.err).toContain('did you mean the relative path ./util/loader/cityscapes_list/split_train/train_label_labeled_1-16.txt');
    expect(existsSync(join(root, 'work_dir'))).toBe(false);
    const warm = await diga(warmUp(`${lists}/train_label_labeled_1-16.txt`));
    expect(warm.code, warm.err).toBe(0);
    expect(ls('work_dir')).toEqual(['generated_imgs_DiGA_semiseg_1_16_warm_up', 'log_DiGA_semiseg_1_16_warm_up', 'weights_DiGA_semiseg_1_16_warm_up']);
    expect(ls(W)).toEqual(['state.safetensors', 'student.safetensors', 'teacher.safetensors']);
    expect(ls('work_dir/log_DiGA_semiseg_1_16_warm_up')).toContain('warm-up.jsonl');
    expect(ls('work_dir/generated_imgs_DiGA_semiseg_1_16_warm_up').length).toBe(2);

    // 2. Pseudo-labels from the warm-up weights into the dataset folder.
    const pl = await diga(`pseudo-label --city-data-path ./data/Cityscapes --weight-dir ${W} --output-dir ./data/Cityscapes/pseudo_train_1_16_warm_up --device cpu`);
    expect(pl.code, pl.err).toBe(0);
    expect(pl.out).toContain(`weights ${join(W, 'student.safetensors')}`);
    expect(ls('data/Cityscapes/pseudo_train_1_16_warm_up')).toHaveLength(30); // the unlabelled 1/16 list

    // 3. Centroids: the folder given, feat_centroids inside it, in torch.save's format.
    const c = await diga(`centroids --city-data-path ./data/Cityscapes --weight-dir ${W} --centroid-dir ./work_dir/class_centroids_1_16/ --device cpu`);
    expect(c.code, c.err).toBe(0);
    expect(ls('work_dir/class_centroids_1_16')).toEqual(['feat_centroids']);
    expect(readPthTensor(join(root, 'work_dir/class_centroids_1_16/feat_centroids')).shape).toEqual([19, 32]);

    // 4. Self-training: --pseudo-dir relative to --city-data-path, --centroid-dir the file.
    const st = await diga(selfTrain(W, 'pseudo_train_1_16_warm_up'));
    expect(st.code, st.err).toBe(0);
    expect(st.out).toContain('pseudo-labels from data/Cityscapes/pseudo_train_1_16_warm_up');
    expect(ls(ST)).toEqual(['state.safetensors', 'student.safetensors', 'teacher.safetensors']);
    const record = readTrainStateRecord(join(root, ST, 'state.safetensors'));
    expect(record.config).toMatchObject({ loadWeightDir: W, saveWeightDir: ST, pseudoDir: 'pseudo_train_1_16_warm_up', centroidDir: './work_dir/class_centroids_1_16/feat_centroids' });
    expect(ls('work_dir/log_DiGA_semiseg_1_16_ST')).toContain('self-train.jsonl');
    expect(ls('work_dir/generated_imgs_DiGA_semiseg_1_16_ST').length).toBe(2);

    // 5. The refined round's pseudo-labels, as the published README writes it (from the warm-up weights).
    const pl2 = await diga(`pseudo-label --city-data-path ./data/Cityscapes --weight-dir ${W} --output-dir ./data/Cityscapes/pseudo_train_1_16_ST --device cpu`);
    expect(pl2.code, pl2.err).toBe(0);
    expect(pl2.out).toContain(`weights ${join(W, 'student.safetensors')}`);
    expect(ls('data/Cityscapes/pseudo_train_1_16_ST')).toHaveLength(30);

    // 6. Self-training again, loading from and saving to the self-training folder.
    const st2 = await diga(selfTrain(ST, 'pseudo_train_1_16_ST'));
    expect(st2.code, st2.err).toBe(0);
    expect(st2.out).toContain('pseudo-labels from data/Cityscapes/pseudo_train_1_16_ST');
    expect(readTrainStateRecord(join(root, ST, 'state.safetensors')).config).toMatchObject({ loadWeightDir: ST, pseudoDir: 'pseudo_train_1_16_ST' });

    // 7. Evaluation of the given weight folder.
    const ev = await diga(`evaluate --city-data-path ./data/Cityscapes --weight-dir ${ST} --device cpu`);
    expect(ev.code, ev.err).toBe(0);
    expect(ev.out).toContain(`weights ${join(ST, 'student.safetensors')}, 4 images`);
    expect(ev.out).toMatch(/mIoU/);

    // Nothing was written anywhere else.
    expect(ls('work_dir')).toEqual([
      'class_centroids_1_16', 'generated_imgs_DiGA_semiseg_1_16_ST', 'generated_imgs_DiGA_semiseg_1_16_warm_up',
      'log_DiGA_semiseg_1_16_ST', 'log_DiGA_semiseg_1_16_warm_up', 'weights_DiGA_semiseg_1_16_ST', 'weights_DiGA_semiseg_1_16_warm_up',
    ]);
    expect(ls('data/Cityscapes')).toEqual(['gtFine', 'leftImg8bit', 'lists', 'pseudo_train_1_16_ST', 'pseudo_train_1_16_warm_up', 'synthetic.json']);
    expect(ls('.')).toEqual(['data', 'small.json', 'util', 'work_dir']);
  }, limitFor(130)); // timed out at 120 s there; 23 s on a quiet machine

  test('a command accepts only its own options, and its --help lists only those', async () => {
    const bad = await diga('evaluate --output-dir ./x --device cpu');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("unknown option '--output-dir'");
    // The error is followed by the command's own options.
    expect(bad.err).toContain('--weight-dir <dir>');
    expect(bad.err).not.toContain('--steps');
    const help = await run(process.execPath, [bin, 'pseudo-label', '--help'], { cwd: root });
    for (const f of ['--weight-dir', '--output-dir', '--data-list-path-train-img', '--data-list-path-train-lbl', '--city-data-path', '--cuda-device-id']) {
      expect(help.stdout).toContain(f);
    }
    for (const f of ['--steps', '--log-dir', '--pseudo-dir', '--save-weight-dir', '--data-list-path-city-img-gt']) expect(help.stdout).not.toContain(f);
    const twoWays = await diga('evaluate --weight-dir a --load-weight-dir b --device cpu');
    expect(twoWays.err).toContain('--weight-dir and --load-weight-dir name the same thing');
  });
});
