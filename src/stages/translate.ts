// Stage 0 of domain adaptation, the image translator (docs/method.md §9.1):
// source and target encoders, decoders into the other domain's look, and one
// multi-scale discriminator per direction, trained as an LSGAN with cycle, edge,
// perceptual and self-reconstruction terms. Writes enc_s and dec_s2t, the half
// the later stages use, into the warm-up weight folder, as published.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { disposeBatch, uploadBatch } from '../data/device-batch.js';
import type { ProcessGroup } from '../distributed/group.js';
import { runStage, type StageHooks } from '../engine/context.js';
import { adaptationLoaders, nextBatch, openAdaptationSets } from '../engine/loaders.js';
import { runLoop } from '../engine/loop.js';
import { isPictureStep } from '../engine/pictures.js';
import { removeStaleTemps } from '../engine/run/outputs.js';
import { checkRunFolders } from '../engine/run/run-folders.js';
import { tensorboardFor } from '../engine/run/tensorboard-sink.js';
import { RunLog } from '../engine/run/run-log.js';
import { peakMemory } from '../engine/run/describe.js';
import { addGroup, group as groupOf, loadTrainState, readTrainStateRecord, resumeLoaders, saveTrainState, type TrainStateRecord } from '../engine/train-state.js';
import { checkReplicas } from '../engine/agreement.js';
import {
  Discriminator, ImageDecoder, ImageEncoder, NativeNet, saveSourceTranslator, smallestTranslatorSide, TRANSLATOR_FILES, TRANSLATOR_PRESETS, translatorTakes, Vgg19Features,
} from '../models/index.js';
import { Adam, type AdamState } from '../optim/adam.js';
import { polyLr } from '../optim/schedule.js';
import { autocast, dispose, getRngState, setRngState, tidy, type Tensor } from '../tensor/index.js';
import { PUBLISHED_TRANSLATOR_WEIGHTS, translatorStep, type TranslatorNets } from './translator-step.js';

/** The translator's poly power (the published schedule; not the segmentation's lrPower). */
const TRANSLATOR_LR_POWER = 0.9;

export const TRANSLATOR_STATE = 'translator-state.safetensors';

export interface TranslateResult {
  iterations: number;
  interrupted: boolean;
  /** The enc_s / dec_s2t files last written. */
  files: string[];
  dir: string;
}

const NET_NAMES = ['enc_s', 'enc_t', 'dec_s2t', 'dec_t2s', 'dis_s2t', 'dis_t2s'] as const;

function buildNets(cfg: RunConfig, say?: (line: string) => void): TranslatorNets {
  const p = TRANSLATOR_PRESETS[cfg.translator];
  const nets: TranslatorNets = {
    encS: new ImageEncoder(p.encoder),
    encT: new ImageEncoder(p.encoder),
    decS2T: new ImageDecoder(p.decoder),
    decT2S: new ImageDecoder(p.decoder),
    disS2T: new Discriminator(p.discriminator),
    disT2S: new Discriminator(p.discriminator),
  };
  if (cfg.vggWeights) {
    const vgg = new Vgg19Features();
    const r = vgg.loadTorchvision(cfg.vggWeights);
    say?.(`perceptual loss: ${r.loaded} VGG19 tensors from ${cfg.vggWeights}`);
    nets.vgg = vgg;
  } else {
    say?.('perceptual loss left out: give --vgg-weights <torchvision vgg19 .pth> for the published objective');
  }
  for (const n of netList(nets)) n.to(cfg.device).train();
  nets.vgg?.to(cfg.device).eval();
  return nets;
}

/**
 * Refuses a crop the translator cannot train on, before any data or network is made (libtorch
 * would stop at the first step with "Kernel size can't be greater than actual input size").
 */
export function checkTranslatorCrop(cfg: Pick<RunConfig, 'cropSize' | 'translator'>): void {
  const nets = TRANSLATOR_PRESETS[cfg.translator];
  const [h, w] = cfg.cropSize;
  if (translatorTakes(nets, h) && translatorTakes(nets, w)) return;
  const side = smallestTranslatorSide(nets);
  const d = nets.discriminator;
  throw new Error(
    `--crop-size ${h}x${w} is too small for the ${cfg.translator} translator, which takes crops of at least ${side}x${side} ` +
      `(its discriminator halves a crop ${d.scales - 1} times, then ${d.layers} more at each scale); give --crop-size ${Math.max(h, side)}x${Math.max(w, side)} or larger`,
  );
}

function netList(n: TranslatorNets): NativeNet[] {
  return [n.encS, n.encT, n.decS2T, n.decT2S, n.disS2T, n.disT2S];
}

function disposeNets(n: TranslatorNets): void {
  for (const net of netList(n)) net.dispose();
  n.vgg?.dispose();
}

/** The gradients of `params` averaged over the ranks (the translator's nets are small; one collective per step and side). */
function averageGradients(group: ProcessGroup | null, params: Tensor[]): void {
  if (!group) return;
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  group.allreduceMean(grads);
  dispose(grads);
}

export async function runTranslate(config: RunConfig, hooks: StageHooks = {}): Promise<TranslateResult> {
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    if (!cfg.source) {
      throw new Error('diga translate trains the image translator of domain adaptation: give --gta5-data-path or --synthia-data-path (or --preset gta5 / synthia)');
    }
    checkTranslatorCrop(cfg);
    const dir = cfg.translatorPath ?? cfg.weightDir;
    checkRunFolders(cfg, [
      [dir, cfg.translatorPath ? '--translator-path' : '--weight-dir'],
      [cfg.logDir, '--log-dir'],
    ]);
    const statePath = join(dir, TRANSLATOR_STATE);
    const record: TrainStateRecord | undefined = cfg.resume ? readTrainStateRecord(statePath) : undefined;
    if (record && record.stage !== 'translate') throw new Error(`${statePath} holds a ${record.stage} state, not the translator's`);
    ctx.lock(dir);
    ctx.lock(cfg.logDir);
    if (ctx.isMain) {
      removeStaleTemps(dir);
      if (!record) refuseEarlierTranslator(dir, cfg.overwrite, hooks.say);
    }
    const streams = resumeLoaders(record, group);
    const { source, target } = adaptationLoaders(ctx, 'translate', streams, await openAdaptationSets(ctx, { say: hooks.say }));
    const nets = buildNets(cfg, hooks.say);
    // bf16 autocast needs no loss scaling; fp16 would need a scaler for each of the two optimisers.
    if (cfg.amp === 'fp16' && ctx.isMain) hooks.say?.('the translator trains in float32 under --amp fp16 (use --amp bf16 for mixed precision here)');
    const deviceType = cfg.device.startsWith('cuda') ? 'cuda' : 'cpu';
    const amp = cfg.amp === 'bf16' ? <T>(forward: () => T): T => autocast({ deviceType, dtype: 'bfloat16' }, forward) : undefined;
    const dParams = [...nets.disS2T.parameters(), ...nets.disT2S.parameters()];
    const gParams = [...nets.encS.parameters(), ...nets.encT.parameters(), ...nets.decS2T.parameters(), ...nets.decT2S.parameters()];
    const adam = { lr: cfg.translatorLr, betas: cfg.translatorBetas };
    const optD = new Adam(dParams, adam);
    const optG = new Adam(gParams, adam);
    const weights = { ...PUBLISHED_TRANSLATOR_WEIGHTS, selfReconstruction: cfg.selfReconstructionWeight };
    const order = ctx.inputOrder;
    let iteration = 0;
    let files: string[] = [];

    const save = (): void => {
      // Every rank takes part in gathering the data streams; rank 0 writes.
      const own = { source: source.samplerState(), target: target.samplerState() };
      const everyRank = group ? group.allgatherJson(own) : [own];
      // The six networks must be identical on every rank (a failing check throws on every rank).
      if (group) checkReplicas(group, [...dParams, ...gParams]);
      if (!ctx.isMain) return;
      const tensors = new Map<string, Tensor>();
      netList(nets).forEach((net, i) => addGroup(tensors, NET_NAMES[i], net.stateDict()));
      const d = optD.stateDict();
      const g = optG.stateDict();
      const moments = [...addAdam(tensors, 'optD', d), ...addAdam(tensors, 'optG', g)];
      tensors.set('rng.cpu', getRngState('cpu'));
      saveTrainState(statePath, {
        record: {
          stage: 'translate', iteration, bestMiou: null, bestIteration: null,
          optimizer: { step: iteration, momentumPresent: [] }, gradScaler: null, evalPending: false,
          loaders: everyRank, config: { ...(cfg as unknown as Record<string, unknown>), adam: { optD: adamCounters(d), optG: adamCounters(g) } }, version: 1,
        },
        tensors,
      });
      dispose([...moments, tensors.get('rng.cpu')]);
      const meta = { stage: 'translate', iteration: String(iteration) };
      files = saveSourceTranslator(dir, nets.encS, nets.decS2T, cfg.saveFormat, meta);
    };

    try {
      if (record) {
        const st = loadTrainState(statePath);
        netList(nets).forEach((net, i) => net.loadStateDict(groupOf(st.tensors, NET_NAMES[i])));
        const counters = (st.record.config.adam ?? {}) as Record<string, AdamCounters>;
        optD.loadStateDict(readAdam(st.tensors, 'optD', counters.optD, dParams.length, statePath));
        optG.loadStateDict(readAdam(st.tensors, 'optG', counters.optG, gParams.length, statePath));
        const rng = st.tensors.get('rng.cpu');
        if (rng) setRngState(rng, 'cpu');
        iteration = st.record.iteration;
        dispose([...st.tensors.values()]);
        if (iteration >= cfg.translatorSteps) {
          throw new Error(`the translator run in ${dir} is already at step ${iteration} (--translator-steps ${cfg.translatorSteps}); give more steps to train further`);
        }
      } else if (group) {
        group.broadcast(netList(nets).flatMap((n) => [...n.stateDict().values()]));
      }
      const logPath = join(cfg.logDir, 'translate.jsonl');
      const log = new RunLog(logPath, { append: iteration > 0, enabled: ctx.isMain, say: hooks.say, tensorboard: tensorboardFor(logPath, cfg) });
      const steps = cfg.translatorSteps;
      const lrAt = (iter: number) => polyLr(cfg.translatorLr, iter, steps, TRANSLATOR_LR_POWER);
      const r = await runLoop({
        stage: 'translate',
        cfg,
        steps,
        start: iteration,
        log,
        group,
        isMain: ctx.isMain,
        inputOrder: order,
        startFields: { model: undefined, source: cfg.source, translator: cfg.translator },
        lr: lrAt,
        step: async (iter) => {
          optD.setLr(lrAt(iter));
          optG.setLr(lrAt(iter));
          const s = uploadBatch(await nextBatch(source, 'source'), cfg.device, order);
          const t = uploadBatch(await nextBatch(target, 'target'), cfg.device, order);
          const out = tidy(() => {
            const o = translatorStep(nets, { discriminators: optD, generators: optG }, { s: s.images, t: t.images, sourceLabels: s.labels }, weights, (which) =>
              averageGradients(group, which === 'discriminators' ? dParams : gParams),
            amp);
            const { terms, tr } = o;
            const shown = isPictureStep(cfg, iter) ? { s: s.images.clone(), sToT: tr.sToT.detach().float(), cycleS: o.cycleS.detach().float(), t: t.images.clone(), tToS: tr.tToS.detach().float() } : undefined;
            return { terms, shown };
          });
          disposeBatch(s);
          disposeBatch(t);
          iteration = iter + 1;
          const sh = out.shown;
          return {
            terms: out.terms,
            pictures: sh && (() => [{ image: sh.s, maps: [] }, { image: sh.sToT, maps: [] }, { image: sh.cycleS, maps: [] }, { image: sh.t, maps: [] }, { image: sh.tToS, maps: [] }]),
            dispose: () => dispose([...Object.values(out.terms), ...(sh ? Object.values(sh) : [])]),
          };
        },
        isPictureStep: (iter) => isPictureStep(cfg, iter),
        // The published run saves every 2000 steps; the last step is saved too.
        checkpointDue: (n) => n % cfg.translatorSaveEvery === 0 || n % cfg.checkpointEvery === 0 || n === steps,
        save,
        statePath,
        onStep: hooks.onStep,
      });
      log.write({ kind: 'end', stage: 'translate', iteration, interrupted: r.interrupted, seconds: r.seconds, memory: peakMemory(cfg.device) });
      log.close();
      const interrupted = r.interrupted;
      return { iterations: iteration, interrupted, files, dir };
    } finally {
      optD.dispose();
      optG.dispose();
      disposeNets(nets);
      await Promise.all([source.close(), target.close()]);
    }
  }, 'training');
}

interface AdamCounters {
  step: number;
  lr: number;
  steps: number[];
}

function adamCounters(s: AdamState): AdamCounters {
  return { step: s.step, lr: s.lr, steps: s.steps };
}

/** Adds an Adam state's moment tensors under `prefix.{avg,sq}.<i>`; returns them (the caller frees them). */
function addAdam(into: Map<string, Tensor>, prefix: string, s: AdamState): Tensor[] {
  const out: Tensor[] = [];
  s.expAvg.forEach((t, i) => t && (into.set(`${prefix}.avg.${i}`, t), out.push(t)));
  s.expAvgSq.forEach((t, i) => t && (into.set(`${prefix}.sq.${i}`, t), out.push(t)));
  return out;
}

function readAdam(tensors: Map<string, Tensor>, prefix: string, c: AdamCounters | undefined, n: number, file: string): AdamState {
  if (!c || c.steps.length !== n) throw new Error(`${file}: the translator state's ${prefix} optimiser does not fit these networks; start over with --overwrite`);
  const pick = (kind: string) => Array.from({ length: n }, (_, i) => tensors.get(`${prefix}.${kind}.${i}`) ?? null);
  return { step: c.step, lr: c.lr, steps: c.steps, expAvg: pick('avg'), expAvgSq: pick('sq') };
}

/** A fresh translator run never silently replaces another's translator or state in its folder. */
function refuseEarlierTranslator(dir: string, overwrite: boolean, say?: (line: string) => void): void {
  const names = [TRANSLATOR_STATE, ...[TRANSLATOR_FILES.encoder, TRANSLATOR_FILES.decoder].flatMap((n) => [`${n}.safetensors`, `${n}.pth`])];
  const found = names.filter((f) => existsSync(join(dir, f)));
  if (found.length === 0) return;
  if (!overwrite) {
    throw new Error(`${dir} already holds a translator (${found.join(', ')}); continue it with --resume, replace it with --overwrite, or give another --weight-dir`);
  }
  for (const f of found) rmSync(join(dir, f), { force: true });
  say?.(`--overwrite: removed the earlier translator (${found.join(', ')}) from ${dir}`);
}
