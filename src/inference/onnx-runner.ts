// The network as an exported ONNX file, run by onnxruntime-node (`diga predict --backend
// onnx`): the deployment path, and a second check of the export. onnxruntime-node is not a
// dependency of diga; it is loaded only when asked for.
import { readFileSync } from 'node:fs';
import { decodeModelMetadata } from '../export/onnx/proto.js';
import { fromBuffer, type Tensor } from '../tensor/index.js';

type Ort = typeof import('onnxruntime-node');

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch {
    throw new Error('--backend onnx needs onnxruntime-node: install it next to diga (npm install onnxruntime-node)');
  }
}

export class OnnxRunner {
  private constructor(
    readonly file: string,
    readonly classes: number,
    readonly labels: string | undefined,
    readonly threads: number,
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-node').InferenceSession,
  ) {}

  /** Opens `file`; its metadata (written by `diga export`) gives the class count. */
  static async open(file: string, threads: number): Promise<OnnxRunner> {
    const ort = await loadOrt();
    // Read once: onnxruntime builds its session from these bytes, and the metadata comes from them too.
    let bytes: Buffer;
    let session;
    try {
      bytes = readFileSync(file);
      session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
    } catch (err) {
      throw new Error(`cannot load the ONNX model ${file}: ${(err as Error).message}`);
    }
    if (!session.inputNames.includes('image') || !session.outputNames.includes('main')) {
      throw new Error(`${file} is not a diga export (it needs an input "image" and an output "main"; it has ${session.inputNames.join(', ')} → ${session.outputNames.join(', ')})`);
    }
    const meta = decodeModelMetadata(bytes);
    const classes = Number(meta.classes);
    if (!Number.isInteger(classes) || classes < 1) throw new Error(`${file} does not record its class count (metadata "classes"); export it with diga export`);
    return new OnnxRunner(file, classes, meta.labels, threads, ort, session);
  }

  /** The `main` logits (N×classes×h×w) of a normalised N×3×H×W float32 batch on the CPU. */
  async main(x: Tensor): Promise<Tensor> {
    const data = x.contiguous().toTypedArray() as Float32Array;
    const out = await this.session.run({ image: new this.ort.Tensor('float32', data, x.shape) }, ['main']);
    const main = out.main;
    return fromBuffer(main.data as Float32Array, 'float32', [...main.dims], { copy: true });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
