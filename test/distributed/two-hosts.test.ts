// Data-parallel training across two machines: two network namespaces joined by
// a veth pair (scripts/compat/two-hosts.sh; needs root). Where the bed cannot be
// made these tests fail with the reason: a skipped multi-machine test would hide
// exactly the bugs it is here for.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readStateDict } from '../../src/checkpoint/index.js';
import { demoLists } from '../../src/config/defaults.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { runFolders } from '../helpers.js';
import { limitFor } from '../limits.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'diga-two-hosts-'));
const data = join(dir, 'data');
const bed = 'scripts/compat/two-hosts.sh';
const worker = new URL('./join-worker.mjs', import.meta.url).pathname;
/** Seconds each rank may take to join in the error tests. */
const RDZV = 4;

interface HostRun {
  status: number;
  log: string;
  seconds: number;
}

/**
 * Runs a shell script on host 0 and host 1 of a new bed, at once; each host's
 * exit status, output and time. The script sees DIGA_NODE_RANK, DIGA_HOST_ADDR_0
 * and DIGA_HOST_ADDR_1; a bed that cannot be made throws with the reason.
 */
async function onTwoHosts(name: string, script: string): Promise<HostRun[]> {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  const wrapped = `start=$(date +%s.%N); ( ${script} ) > "${out}/host$DIGA_NODE_RANK.log" 2>&1; s=$?; ` +
    `echo "$s $(date +%s.%N) $start" > "${out}/host$DIGA_NODE_RANK.status"`;
  try {
    await run(bed, ['run', '--', 'bash', '-c', wrapped], { timeout: 240_000 });
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    throw new Error(`${bed} failed (exit ${e.code}): ${e.stderr ?? String(err)}`);
  }
  return [0, 1].map((h) => {
    const [status, end, start] = readFileSync(join(out, `host${h}.status`), 'utf8').trim().split(' ').map(Number);
    return { status, log: readFileSync(join(out, `host${h}.log`), 'utf8'), seconds: end - start };
  });
}

/** A tiny warm-up on the generated data, every output under work. */
function runConfig(work: string): string {
  mkdirSync(work, { recursive: true });
  const file = join(work, 'run.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...demoLists(data),
      model: 'tiny', cropSize: [32, 64], fullSize: [64, 128], steps: 2, evalEvery: 2,
      checkpointEvery: 2, imageEvery: 0, logEvery: 1, ...runFolders(work),
    }),
  );
  return file;
}

/** A stage's command line, as a shell string (workers get one thread each, as on one machine). */
const stage = (name: string, config: string, launch: string) =>
  `DIGA_NUM_THREADS=1 ${process.execPath} bin/diga.js ${name} --preset demo --config ${config} ${launch}`;
const warmUp = (config: string, launch: string) => stage('warm-up', config, launch);
const twoNodes = (port: number, addr = '$DIGA_HOST_ADDR_0', nproc = 2) =>
  `--nnodes 2 --node-rank $DIGA_NODE_RANK --nproc-per-node ${nproc} --master-addr ${addr} --master-port ${port} --rdzv-timeout ${RDZV}`;
const oneNode = () => `--nproc-per-node 4 --master-port ${29800 + Math.floor(Math.random() * 150)}`;

/** Every tensor of every weight file in two folders, bit for bit. */
function expectSameWeights(a: string, b: string): void {
  const files = readdirSync(a).filter((f) => f.endsWith('.safetensors')).sort();
  expect(files).toContain('state.safetensors');
  expect(readdirSync(b).filter((f) => f.endsWith('.safetensors')).sort()).toEqual(files);
  for (const f of files) {
    const x = readStateDict(join(a, f));
    const y = readStateDict(join(b, f));
    expect([...y.keys()], f).toEqual([...x.keys()]);
    expect([...x.keys()].filter((k) => !x.get(k)!.data.equals(y.get(k)!.data)), f).toEqual([]);
  }
}

const ranksOf = (work: string, name: string) =>
  readFileSync(join(work, 'logs', `${name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.kind === 'start').ranks;

async function expectAllPass(hosts: Promise<HostRun[]>): Promise<void> {
  for (const h of await hosts) expect(h.status, h.log).toBe(0);
}

beforeAll(async () => {
  await generateDataset({ out: data, train: 16, val: 4, height: 64, width: 128, seed: 2, workers: 0 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bed', () => {
  test('up, exec on either host, link-down cuts the link and link-up restores it, down removes it all', async () => {
    const { stdout } = await run(bed, ['up']);
    const vars = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split('=')));
    const name = vars.DIGA_BED as string;
    let server: ReturnType<typeof execFile> | undefined;
    try {
      expect(vars.DIGA_HOST_ADDR_0).toMatch(/^10\.231\.\d+\.1$/);
      const on = (host: number, code: string) => run(bed, ['exec', name, String(host), process.execPath, '-e', code], { timeout: 30_000 });
      server = execFile(bed, ['exec', name, '0', process.execPath, '-e', "require('net').createServer((c) => c.end(process.env.DIGA_NODE_RANK)).listen(4000)"]);
      // Host 1 asks host 0 (retrying until its server listens); prints the answer or the error code.
      const ask = `const net = require('net'); let left = 50;
        const go = () => net.connect(4000, process.env.DIGA_HOST_ADDR_0).on('data', (d) => console.log('answer ' + d))
          .on('error', (e) => (e.code === 'ECONNREFUSED' && --left > 0 ? setTimeout(go, 100) : console.log(e.code)));
        go();`;
      expect((await on(1, ask)).stdout.trim()).toBe('answer 0');
      await run(bed, ['link-down', name]);
      expect((await on(1, ask)).stdout.trim()).toMatch(/^E(NETUNREACH|HOSTUNREACH|TIMEDOUT)$/);
      await run(bed, ['link-up', name]);
      expect((await on(1, ask)).stdout.trim()).toBe('answer 0');
    } finally {
      await run(bed, ['down', name]);
    }
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(name);
    // What ran there is stopped too.
    await new Promise((resolve) => (server!.exitCode !== null || server!.signalCode !== null ? resolve(null) : server!.on('exit', resolve)));
  });
});

describe('two machines (network namespaces)', () => {
  const one = join(dir, 'one-host');
  const two = join(dir, 'two-hosts');

  test('a 2-machine × 2-process warm-up ends bit-identical to a 1-machine × 4-process one', async () => {
    await run('bash', ['-c', warmUp(runConfig(one), oneNode())], { timeout: 240_000 });
    await expectAllPass(onTwoHosts('warm-up', warmUp(runConfig(two), twoNodes(29500))));
    expectSameWeights(join(one, 'warm-up'), join(two, 'warm-up'));
    expect(ranksOf(two, 'warm-up')).toBe(4);
  }, limitFor(60));

  test('self-training across the machines ends bit-identical to self-training on one', async () => {
    // The pseudo-labels and centroids both read, made once by one process.
    const config = join(two, 'run.json');
    for (const name of ['pseudo-label', 'centroids']) await run('bash', ['-c', stage(name, config, '')], { timeout: 240_000 });
    await expectAllPass(onTwoHosts('self-train', stage('self-train', config, twoNodes(29504))));
    const oneConfig = join(one, 'run.json');
    const cfg = JSON.parse(readFileSync(oneConfig, 'utf8'));
    writeFileSync(oneConfig, JSON.stringify({ ...cfg, pseudoDir: join(two, 'pseudo'), centroidDir: join(two, 'centroids') }));
    await run('bash', ['-c', stage('self-train', oneConfig, oneNode())], { timeout: 240_000 });
    expectSameWeights(join(one, 'self-train'), join(two, 'self-train'));
    expect(ranksOf(two, 'self-train')).toBe(4);
  }, limitFor(60));

  test('GLOO_SOCKET_IFNAME: the interfaces named (a list, each machine its own names); a wrong name is an error', async () => {
    const join2 = (ifname: string) =>
      `GLOO_SOCKET_IFNAME=${ifname} RANK=$DIGA_NODE_RANK WORLD_SIZE=2 MASTER_ADDR=$DIGA_HOST_ADDR_0 MASTER_PORT=29507 ` +
      `DIGA_RDZV_TIMEOUT=${RDZV} ${process.execPath} ${worker}`;
    const good = await onTwoHosts('ifname', join2('$DIGA_HOST_IFNAME,$DIGA_HOST_IFNAME'));
    for (const [rank, h] of good.entries()) expect(JSON.parse(h.log), h.log).toEqual({ rank, sum: 3 });
    const bad = await onTwoHosts('bad-ifname', join2('nosuch0'));
    for (const h of bad) {
      expect(h.status).toBe(1);
      expect(h.log).toMatch(/could not join the process group at 10\.231\.\d+\.1:29507: GLOO_SOCKET_IFNAME: no usable interface nosuch0/);
    }
  });

  test('Slurm: processes started as srun starts them rendezvous from its environment alone, no launcher flags', async () => {
    // The compressed node list srun gives (here the bed's two addresses), the first node hosting the rendezvous.
    const srun =
      `SLURM_PROCID=$DIGA_NODE_RANK SLURM_NTASKS=2 SLURM_LOCALID=0 SLURM_NTASKS_PER_NODE='1(x2)' ` +
      `SLURM_STEP_NODELIST="\${DIGA_HOST_ADDR_0%.*}.[1-2]" DIGA_RDZV_TIMEOUT=${RDZV} ${process.execPath} ${worker}`;
    const hosts = await onTwoHosts('slurm', srun);
    for (const [rank, h] of hosts.entries()) expect(JSON.parse(h.log), h.log).toEqual({ rank, sum: 3 });
  });

  describe.concurrent('rendezvous errors name the address and port, within the rendezvous timeout', () => {
    /**
     * An error long before the default timeout (300 s): the rendezvous timeout,
     * plus starting node and the addon on a loaded machine. One process per
     * machine where the test does not need more.
     */
    const quick = (h: HostRun) => expect(h.seconds).toBeLessThan(RDZV + 60);

    test('a --master-addr nobody has', async () => {
      const hosts = await onTwoHosts('wrong-addr', `addr=\${DIGA_HOST_ADDR_0%.*}.99; echo "addr=$addr"; ${warmUp(runConfig(join(dir, 'wrong-addr')), twoNodes(29501, '$addr', 1))}`);
      const addr = /addr=(\S+)/.exec(hosts[0].log)![1];
      const joining = `could not join the process group at ${addr}:29501: `;
      expect(hosts[0].log).toContain(`rank 0: ${joining}rank 0 cannot reach --master-addr ${addr} within ${RDZV} s`);
      expect(hosts[1].log).toContain(`rank 1: ${joining}no machine answered at ${addr}:29501 within ${RDZV} s`);
      for (const h of hosts) {
        expect(h.status, h.log).not.toBe(0);
        quick(h);
      }
    });

    test("a port already taken on rank 0's machine", async () => {
      // Something else listens on the port on host 0 (and answers nothing).
      const squat = `${process.execPath} -e "const s = require('net').createServer(() => {}).listen(29502); setTimeout(() => s.close(), ${(RDZV + 20) * 1000}).unref()"`;
      const hosts = await onTwoHosts('port-taken', `[ $DIGA_NODE_RANK = 0 ] && { ${squat} & sleep 1; }; ${warmUp(runConfig(join(dir, 'port-taken')), twoNodes(29502, '$DIGA_HOST_ADDR_0', 1))}`);
      const addr = /at (10\.231\.\d+\.1):29502/.exec(hosts[0].log)?.[1];
      expect(hosts[0].log).toMatch(/rank 0: could not join the process group at 10\.231\.\d+\.1:29502: port 29502 is already in use on rank 0's machine/);
      expect(hosts[1].log).toContain(`rank 1: could not join the process group at ${addr}:29502: the rendezvous at ${addr}:29502 did not answer within ${RDZV} s`);
      for (const h of hosts) {
        expect(h.status, h.log).not.toBe(0);
        quick(h);
      }
    });

    test('a machine that never comes', async () => {
      // Rank 1 fails with rank 0's words, or with its own, the same.
      const hosts = await onTwoHosts('never', `[ $DIGA_NODE_RANK = 1 ] && exit 0; ${warmUp(runConfig(join(dir, 'never')), twoNodes(29503))}`);
      expect(hosts[0].log).toMatch(
        new RegExp(`rank [01]: could not join the process group at 10\\.231\\.\\d+\\.1:29503: ranks 2-3 of 4 did not join within ${RDZV} s \\(the machine of --node-rank 1\\); joined: ranks 0-1 from 10\\.231\\.\\d+\\.1`),
      );
      expect(hosts[0].status, hosts[0].log).not.toBe(0);
      expect(hosts[0].seconds).toBeGreaterThanOrEqual(RDZV);
      quick(hosts[0]);
    });
  });
});
