// One training forward + backward in a fresh process, reporting its peak
// memory (host RSS; the CUDA allocator's peak on a GPU).
import { SegModel } from '../models/index.js';
import { cuda, memory, randn, tidy } from '../tensor/index.js';

const [model, h, w, batch, device, ckpt] = process.argv.slice(2);
const net = new SegModel(model).to(device).train().activationCheckpointing(ckpt === 'on');
const x = randn([Number(batch), 3, Number(h), Number(w)], { device });
const base = process.resourceUsage().maxRSS;
tidy(() => net.forward(x).main.sum().backward());
if (device.startsWith('cuda')) cuda.synchronize(device);
const peakDevice = memory().cuda[0]?.peakAllocated ?? null;
process.stdout.write(`${JSON.stringify({ model, size: [Number(h), Number(w)], batch: Number(batch), device, checkpointing: ckpt === 'on', peakRssBytes: process.resourceUsage().maxRSS * 1024, stepRssGrowthBytes: (process.resourceUsage().maxRSS - base) * 1024, peakDeviceBytes: peakDevice })}\n`);
