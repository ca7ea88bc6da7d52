// One screen from a GPU kit run's folder: phases, device, and the benchmark figures with the
// targets of the GPU work (bf16 ≤ 0.5 × fp32, ours ≤ 1.0 × PyTorch eager and ≤ 1.05 × C++,
// self-training peak ≤ 24 GB, bf16 step ≥ 25 % of the dense bf16 peak).
// Usage: node scripts/gpu-kit/summary.mjs <out-dir> [peak TFLOP/s, default 790 (H200 bf16, measured)]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const peak = Number(process.argv[3] ?? 790);
const read = (f) => (existsSync(join(out, f)) ? JSON.parse(readFileSync(join(out, f), 'utf8')) : null);
const lines = [];
const say = (s = '') => lines.push(s);
const f = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const check = (ok) => (ok === undefined ? '' : ok ? '  ok' : '  MISSED');

say(`gpu-kit run: ${out}`);
const phases = existsSync(join(out, 'phases.txt')) ? readFileSync(join(out, 'phases.txt'), 'utf8').trim().split('\n') : [];
say(`phases: ${phases.map((l) => { const [n, rc, s] = l.split(' '); return `${n} ${rc === '0' ? 'ok' : `FAILED(${rc})`} ${s}s`; }).join(', ')}`);
const info = read('info.json');
if (info) say(`diga ${info.diga} · libtorch ${info.libtorch} (${info.build}) · cuDNN ${info.cudnnVersion ?? '–'} · distributed ${(info.distributed ?? []).join(', ') || 'none'} · devices ${(info.devices ?? []).map((d) => d.name ?? d.device).join(', ')}`);
const bench = read('bench.json');
const train = bench?.train ?? [];
const row = (stage, amp, extra = {}) => train.find((r) => r.stage === stage && (r.amp ?? 'off') === amp && Object.entries(extra).every(([k, v]) => Boolean(r[k]) === v));
if (train.length > 0) {
  say();
  say('step                                     ms/step  fwd   bwd   upd   TFLOP/s  %peak  peak GB');
  for (const r of train) {
    const name = `${r.stage} ${r.model} ${r.batch}×${r.height}×${r.width} ${r.amp ?? 'off'}${r.channelsLast ? ' +CL' : ''}${r.activationCheckpointing ? ' +ckpt' : ''}`;
    const tf = r.tflopsPerS;
    say(`${name.padEnd(40)} ${f(r.stepS * 1000, 0).padStart(7)}  ${f(r.forwardS * 1000, 0).padStart(4)}  ${f(r.backwardS * 1000, 0).padStart(4)}  ${f(r.updateS * 1000, 0).padStart(4)}  ${f(tf).padStart(7)}  ${f(tf === undefined ? undefined : (100 * tf) / peak).padStart(5)}  ${f(r.peakDeviceBytes / 1e9).padStart(7)}`);
  }
  const fp32 = row('warm-up', 'off');
  const bf16 = row('warm-up', 'bf16', { channelsLast: false });
  if (fp32 && bf16) say(`bf16 / fp32 warm-up step: ${f(bf16.stepS / fp32.stepS, 2)} (target ≤ 0.5)${check(bf16.stepS / fp32.stepS <= 0.5)}`);
  const st = train.filter((r) => r.stage === 'self-train' && r.amp === 'bf16' && r.peakDeviceBytes);
  if (st.length) say(`self-training bf16 peak: ${st.map((r) => `${f(r.peakDeviceBytes / 1e9)} GB${r.activationCheckpointing ? ' (ckpt)' : ''}`).join(', ')} (target ≤ 24 GB)${check(Math.min(...st.map((r) => r.peakDeviceBytes)) <= 24e9)}`);
}
for (const r of bench?.evaluation ?? []) say(`evaluation ${r.model} ${r.height}×${r.width}, batch ${r.batch ?? 1}: ${f(r.imagesPerSecond, 2)} images/s`);
for (const r of bench?.step ?? []) {
  say(`warm-up step ${r.preset} ${r.height}×${r.width} on ${r.device}: ours ${f(r.oursS * 1000, 0)} ms, C++ ${f(r.cppS * 1000, 0)} ms, ratio ${f(r.ratio, 3)} (target ≤ 1.05)${check(r.ratio === undefined ? undefined : r.ratio <= 1.05)}`);
}
const py = read('pytorch.json');
const compiled = read('pytorch-compile.json');
if (py && compiled) Object.assign(py, { compiledS: compiled.compiledS, compileError: compiled.compileError });
if (py) {
  const ours = bench?.step?.[0]?.oursS;
  say(`PyTorch ${py.torch} warm-up step: eager ${f(py.eagerS * 1000, 0)} ms${py.compiledS ? `, torch.compile ${f(py.compiledS * 1000, 0)} ms` : ` (torch.compile: ${py.compileError ?? 'not run'})`}`);
  if (ours) say(`ours / eager ${f(ours / py.eagerS, 3)} (target ≤ 1.0)${check(ours / py.eagerS <= 1)}${py.compiledS ? `, ours / compiled ${f(ours / py.compiledS, 3)}` : ''}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
