// The mean teacher (docs/method.md §4): an exponential moving average of the student's parameters.
// Only parameters move; BatchNorm running statistics are the teacher's own.
import { foreach, noGrad, Tensor } from '../tensor/index.js';
import { emaAlpha } from './schedule.js';

function sameShape(a: Tensor, b: Tensor): boolean {
  const sa = a.shape;
  const sb = b.shape;
  return sa.length === sb.length && sa.every((d, i) => d === sb[i]);
}

export class EmaTeacher {
  readonly teacher: readonly Tensor[];
  readonly student: readonly Tensor[];
  readonly maxAlpha: number;

  /** Teacher and student parameter lists, in matching order (the same model's parameters() order). */
  constructor(teacherParams: Tensor[], studentParams: Tensor[], options: { maxAlpha?: number } = {}) {
    if (!Array.isArray(teacherParams) || !Array.isArray(studentParams) || teacherParams.length !== studentParams.length) {
      throw new TypeError(
        `EmaTeacher: teacher and student need as many parameters, got ${teacherParams?.length} and ${studentParams?.length}`,
      );
    }
    teacherParams.forEach((t, i) => {
      const s = studentParams[i];
      if (!(t instanceof Tensor) || !(s instanceof Tensor)) throw new TypeError(`EmaTeacher: parameter ${i} is not a tensor`);
      if (!sameShape(t, s)) {
        throw new TypeError(`EmaTeacher: parameter ${i} has shape [${t.shape.join(', ')}] in the teacher and [${s.shape.join(', ')}] in the student`);
      }
    });
    this.teacher = teacherParams.slice();
    this.student = studentParams.slice();
    this.maxAlpha = options.maxAlpha ?? 0.999;
  }

  /** θ_T ← θ_S, at the start of each training stage. */
  copyFromStudent(): void {
    noGrad(() => foreach.copy_(this.teacher.slice(), this.student.slice()));
  }

  /** θ_T ← α θ_T + (1 − α) θ_S with α = emaAlpha(iter); returns α. */
  update(iter: number): number {
    const alpha = emaAlpha(iter, this.maxAlpha);
    noGrad(() => {
      const t = this.teacher.slice();
      foreach.mul_(t, alpha);
      foreach.add_(t, this.student.slice(), 1 - alpha);
    });
    return alpha;
  }
}
