// Data-parallel training over 2 CPU processes (c10d + Gloo on loopback).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readStateDict } from '../../src/checkpoint/index.js';
import { buildReport } from '../../src/report/build-report.js';
import { demoLists } from '../../src/config/defaults.js';
import { runFolders } from '../helpers.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { generateSourceDataset } from '../../src/data/synthetic/generate-source.js';
import { ProcessGroup } from '../../src/distributed/group.js';
import { SegModel } from '../../src/models/index.js';
import { manualSeed, randn } from '../../src/tensor/index.js';
import { limitFor } from '../limits.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'diga-ddp-'));
const worker = new URL('./grad-worker.mjs', import.meta.url).pathname;
let port = 29700 + Math.floor(Math.random() * 200);

/** Runs the same script as ranks 0 and 1 of a 2-process group, concurrently; exit codes and stderr. */
async function twoRanks(args: string[]): Promise<Array<{ status: number; stderr: string }>> {
  port += 1;
  return Promise.all(
    [0, 1].map((rank) =>
      run(process.execPath, [worker, ...args], {
        env: { ...process.env, RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), DIGA_NUM_THREADS: '1' },
        timeout: 60_000,
      }).then(
        (r) => ({ status: 0, stderr: r.stderr }),
        (e: { code: number; stderr: string }) => ({ status: e.code, stderr: e.stderr }),
      ),
    ),
  );
}

const haveBuild = existsSync('dist/index.js');
const data = join(dir, 'data');

beforeAll(async () => {
  if (haveBuild) await generateDataset({ out: data, train: 16, val: 4, height: 64, width: 128, seed: 2, workers: 0 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tiny run on the generated data, with every output under work: one config file
 * (stage-neutral keys) that every command reads, as a user would script a run.
 */
function commonArgs(work: string): string[] {
  mkdirSync(work, { recursive: true });
  const file = join(work, 'run.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...demoLists(data),
      model: 'tiny', cropSize: [32, 64], fullSize: [64, 128], steps: 4, evalEvery: 2,
      checkpointEvery: 2, imageEvery: 0, logEvery: 1,
      ...runFolders(work),
    }),
  );
  return ['--preset', 'demo', '--config', file];
}

const diga = (...args: string[]) => run(process.execPath, ['bin/diga.js', ...args], { timeout: 300_000 });

describe('backends', () => {
  test('this build has Gloo; asking for NCCL where it is missing says what to do', () => {
    expect(ProcessGroup.backends()).toContain('gloo');
    if (ProcessGroup.backends().includes('nccl')) return; // a CUDA build: NCCL needs GPUs to join
    const env = { rank: 0, worldSize: 1, localRank: 0, masterAddr: '127.0.0.1', masterPort: ++port };
    expect(() => new ProcessGroup(env, 5000, { nccl: true })).toThrow(/rank 0: could not join .*built without it.*Gloo/);
    // A one-rank Gloo group works, and its collectives are the identity.
    const group = new ProcessGroup({ ...env, masterPort: ++port }, 5000);
    const t = randn([5]);
    const before = t.tolist();
    group.allreduceMean([t]);
    expect(t.tolist()).toEqual(before);
    group.close();
  });
});

describe.skipIf(!haveBuild)('data-parallel training (2 processes, Gloo)', () => {
  test.each(['grad', 'reducer'])('the averaged gradient equals the gradient of the combined batch (%s)', async (mode) => {
    // Run the two ranks concurrently (each waits for the other in the collectives).
    port += 1;
    const env = (rank: number) => ({ ...process.env, RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), DIGA_NUM_THREADS: '1' });
    const outs = await Promise.all([0, 1].map((r) => run(process.execPath, [worker, mode, dir], { env: env(r), timeout: 60_000 })));
    if (mode === 'reducer') {
      for (const { stdout } of outs) {
        const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
        // Many small buckets; in the second step they start during backward, none in the first.
        expect(report.buckets).toBeGreaterThan(3);
        expect(report.overlapped0).toBe(0);
        expect(report.overlapped1).toBeGreaterThanOrEqual(report.buckets - 1);
        expect(report.changedGraph).toMatch(/received 2 gradient accumulation\(s\) in this step and 1 in the first/);
      }
    }
    manualSeed(0);
    const model = new SegModel('tiny').eval();
    const x = randn([4, 3, 64, 128]);
    model.forward(x).main.mean().backward();
    const params = model.namedParameters();
    for (const rank of [0, 1]) {
      const got = readStateDict(join(dir, `rank${rank}-${mode}.safetensors`));
      expect(got.size).toBe(3);
      for (const [name, raw] of got) {
        const want = params.get(name)!.grad!.toTypedArray() as Float32Array;
        const have = new Float32Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength / 4);
        const scale = Math.max(...want.map(Math.abs));
        const err = Math.max(...have.map((v, i) => Math.abs(v - want[i])));
        expect(err / scale, name).toBeLessThan(1e-5);
      }
    }
    // Both ranks hold bit-identical averaged gradients.
    const [a, b] = [0, 1].map((r) => readStateDict(join(dir, `rank${r}-${mode}.safetensors`)));
    for (const [k, v] of a) expect(v.data.equals(b.get(k)!.data), k).toBe(true);
  });

  test('a worker that dies ends the other with an error naming its rank, quickly', async () => {
    const started = Date.now();
    const [r0, r1] = await twoRanks(['die', dir]);
    expect(r1.status).toBe(7);
    expect(r0.status).toBe(3);
    expect(r0.stderr).toMatch(/rank 0: allreduce failed/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('warm-up and self-train through the launcher keep every replica identical; sharded evaluation matches one process', async () => {
    const work = join(dir, 'work');
    const common = commonArgs(work);
    port += 1;
    const launch = ['--nproc-per-node', '2', '--master-port', String(port)];
    await diga('warm-up', ...common, ...launch);
    expect(existsSync(join(work, 'warm-up', 'state.safetensors'))).toBe(true);
    const state = readStateDict(join(work, 'warm-up', 'state.safetensors'));
    expect(state.has('student.hrnet.conv1.weight')).toBe(true);
    port += 1;
    await diga('pseudo-label', ...common, '--nproc-per-node', '2', '--master-port', String(port));
    port += 1;
    await diga('centroids', ...common, '--nproc-per-node', '2', '--master-port', String(port));
    port += 1;
    // Replica checks run at every checkpoint: a divergence would fail this run.
    await diga('self-train', ...common, '--nproc-per-node', '2', '--master-port', String(port));
    // Rank 0's report names the ranks and each passing replica check.
    expect(existsSync(join(work, 'report.html'))).toBe(true);
    const report = buildReport(work);
    expect(report.distributed?.ranks).toBe(2);
    const checks = readFileSync(join(work, 'logs', 'self-train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'replicas');
    expect(checks.length).toBeGreaterThan(0);
    // One row a step (a step that evaluates is checked before and after).
    expect(report.distributed?.checks.filter((c) => c.label === 'self-train').map((c) => c.step)).toEqual([...new Set(checks.map((r) => r.iteration))]);
    const one = join(work, 'one.json');
    const two = join(work, 'two.json');
    await diga('evaluate', ...common, '--load-weight-dir', join(work, 'self-train'), '--json', one);
    port += 1;
    await diga('evaluate', ...common, '--load-weight-dir', join(work, 'self-train'), '--json', two, '--nproc-per-node', '2', '--master-port', String(port));
    const [a, b] = [one, two].map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(b.miou).toBe(a.miou);
    expect(b.iou).toEqual(a.iou);
  }, limitFor(69.9));

  test('domain adaptation through the launcher: the translator and the warm-up keep every replica identical', async () => {
    const work = join(dir, 'uda');
    const source = join(dir, 'source');
    if (!existsSync(source)) await generateSourceDataset({ out: source, count: 8, height: 96, width: 192, seed: 4, workers: 0 });
    const target = join(dir, 'uda-target');
    if (!existsSync(target)) await generateDataset({ out: target, train: 8, val: 2, height: 96, width: 192, seed: 5, workers: 0 });
    mkdirSync(work, { recursive: true });
    const file = join(work, 'run.json');
    const lists = join(target, 'lists');
    writeFileSync(
      file,
      JSON.stringify({
        cityDataPath: target, dataListPathCityImg: join(lists, 'train.txt'), dataListPathCityLbl: join(lists, 'train_label.txt'),
        dataListPathValImg: join(lists, 'val.txt'), dataListPathValLbl: join(lists, 'val_label.txt'),
        model: 'deeplabv2-tiny', translator: 'tiny', cropSize: [64, 96], sourceSizes: [[64, 128], [96, 192]], targetSizes: [[64, 128], [96, 192]],
        evalScales: [[96, 192]], steps: 2, translatorSteps: 2, evalEvery: 2, checkpointEvery: 2, imageEvery: 0, logEvery: 1, ...runFolders(work),
      }),
    );
    const common = ['--gta5-data-path', source, '--config', file];
    await diga('translate', ...common, '--nproc-per-node', '2', '--master-port', String(++port));
    await diga('warm-up', ...common, '--nproc-per-node', '2', '--master-port', String(++port));
    const log = readFileSync(join(work, 'logs', 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.find((r) => r.kind === 'start').ranks).toBe(2);
    expect(log.filter((r) => r.kind === 'replicas').every((r) => r.identical)).toBe(true);
    expect(log.some((r) => r.kind === 'replicas')).toBe(true);
    expect(existsSync(join(work, 'warm-up', 'enc_s.safetensors'))).toBe(true);
  });

  test('a distributed warm-up stopped with --stop-at and resumed ends bit-identical to an uninterrupted one', async () => {
    const launch = () => ['--nproc-per-node', '2', '--master-port', String(++port)];
    const straight = join(dir, 'straight');
    const cut = join(dir, 'cut');
    await diga('warm-up', ...commonArgs(straight), ...launch());
    await diga('warm-up', ...commonArgs(cut), '--stop-at', '2', ...launch());
    const stopped = readFileSync(join(cut, 'logs', 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(stopped.at(-1)).toMatchObject({ kind: 'end', iteration: 2, interrupted: true });
    await diga('warm-up', ...commonArgs(cut), '--resume', ...launch());
    const a = readStateDict(join(straight, 'warm-up', 'state.safetensors'));
    const b = readStateDict(join(cut, 'warm-up', 'state.safetensors'));
    // Both ranks' sampler and generator states, student, teacher and momentum: bit for bit.
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()].filter((k) => !a.get(k)!.data.equals(b.get(k)!.data))).toEqual([]);
  });
});
