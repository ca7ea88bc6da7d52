// Best-model keeping: the student and teacher of the best val mIoU so far are
// written to the weight folder (by the writing rank) each time it improves.
import type { RunConfig } from '../config/schema.js';
import type { SegModel } from '../models/index.js';
import { saveWeights } from '../models/weights.js';

export class BestWeights {
  miou: number | null = null;
  iteration: number | null = null;

  constructor(
    readonly dir: string,
    readonly stage: string,
    readonly format: RunConfig['saveFormat'],
    /** False on the ranks that do not write. */
    readonly writes: boolean,
  ) {}

  restore(miou: number | null, iteration: number | null): void {
    this.miou = miou;
    this.iteration = iteration;
  }

  /** Keeps the networks when `miou` beats the best so far (the first evaluation always does); true when it did. */
  offer(miou: number, iteration: number, student: SegModel, teacher: SegModel): boolean {
    if (!(this.miou === null || miou > this.miou)) return false;
    this.miou = miou;
    this.iteration = iteration;
    if (this.writes) {
      const meta = { stage: this.stage, iteration: String(iteration), miou: String(miou) };
      saveWeights(this.dir, 'student', student, meta, this.format);
      saveWeights(this.dir, 'teacher', teacher, meta, this.format);
    }
    return true;
  }
}
