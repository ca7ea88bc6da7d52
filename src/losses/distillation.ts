// Symmetric distillation between the clean and augmented views (docs/method.md §3): the teacher's
// prediction on one view supervises the student's prediction on the other.
import { F, type Tensor, tidy } from '../tensor/index.js';
import { resizeLogits } from './resize.js';
import { AUX_WEIGHT, type MainAux } from './segmentation.js';

/** Weight of the term where the second view's teacher supervises the clean view's student (semi-supervised, GTA5). */
export const AUG_TEACHER_WEIGHT = 0.5;

/** mean over pixels of Σ_c −p_c · log q_c, for probabilities p and log-probabilities logQ (B, C, H, W). */
function softCrossEntropy(p: Tensor, logQ: Tensor): Tensor {
  return p.mul(logQ).sum(1).mean().neg();
}

/**
 * KD for a batch [clean; augmented] of 2B samples:
 * `mean(Σ_c −softmax(T_clean)·log_softmax(S_aug)) + w · mean(Σ_c −softmax(T_aug)·log_softmax(S_clean))`,
 * w = 0.5 unless given (the SYNTHIA adaptation uses 0.25).
 * Teacher logits are detached (no gradient reaches the teacher). With `labelSize`, both are
 * first resized bilinearly (align_corners = true) to it.
 */
export function symmetricDistillation(teacherLogits: Tensor, studentLogits: Tensor, labelSize?: [number, number], crossWeight = AUG_TEACHER_WEIGHT): Tensor {
  const ts = teacherLogits.shape;
  const ss = studentLogits.shape;
  if (ts.length !== 4 || ss.length !== 4 || ts.some((d, i) => d !== ss[i])) {
    throw new TypeError(
      `symmetricDistillation: teacher and student logits must have one (2B, C, h, w) shape, got [${ts.join(', ')}] and [${ss.join(', ')}]`,
    );
  }
  if (ts[0] % 2 !== 0 || ts[0] === 0) {
    throw new TypeError(`symmetricDistillation: the batch must be [clean; augmented] halves, got an odd batch of ${ts[0]}`);
  }
  return tidy(() => {
    const size: [number, number] = labelSize ?? [ts[2], ts[3]];
    const teacher = resizeLogits(teacherLogits.detach(), size, 'symmetricDistillation');
    const student = resizeLogits(studentLogits, size, 'symmetricDistillation');
    const [pClean, pAug] = F.softmax(teacher, 1).chunk(2, 0);
    const [logQClean, logQAug] = F.logSoftmax(student, 1).chunk(2, 0);
    return softCrossEntropy(pClean, logQAug).add(softCrossEntropy(pAug, logQClean).mul(crossWeight));
  });
}

/** KD(main) + 0.1 · KD(aux). */
export function mainAuxDistillation(teacher: MainAux, student: MainAux, labelSize?: [number, number], crossWeight = AUG_TEACHER_WEIGHT): Tensor {
  return tidy(() =>
    symmetricDistillation(teacher.main, student.main, labelSize, crossWeight).add(
      symmetricDistillation(teacher.aux, student.aux, labelSize, crossWeight).mul(AUX_WEIGHT),
    ),
  );
}
