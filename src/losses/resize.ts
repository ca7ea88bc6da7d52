// Bringing logits to the label size, as every DiGA loss does before comparing.
import { F, type Tensor } from '../tensor/index.js';

/**
 * Logits (B, C, h, w) resized bilinearly (align_corners = true) to `size`; the same tensor
 * when already that size. `who` names the caller in error messages.
 */
export function resizeLogits(logits: Tensor, size: [number, number], who: string): Tensor {
  const s = logits.shape;
  if (s.length !== 4) throw new TypeError(`${who}: logits must be (B, C, h, w), got shape [${s.join(', ')}]`);
  if (!size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new TypeError(`${who}: the label size must be two positive integers, got [${size.join(', ')}]`);
  }
  if (s[2] === size[0] && s[3] === size[1]) return logits;
  return F.interpolate(logits, { size, mode: 'bilinear', alignCorners: true });
}
