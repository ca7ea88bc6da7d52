// Least-squares GAN losses of the image translator (docs/method.md, the translator stage), over
// the outputs of a multi-scale discriminator, one tensor per scale.
import { type Tensor, tidy } from '../tensor/index.js';

function checkScales(who: string, ...lists: Tensor[][]): void {
  const n = lists[0].length;
  if (n === 0 || lists.some((l) => !Array.isArray(l) || l.length !== n)) {
    throw new TypeError(`${who}: needs one discriminator output per scale, as many of each, got ${lists.map((l) => l?.length).join(' and ')}`);
  }
}

const sumOf = (terms: Tensor[]): Tensor => terms.reduce((a, b) => a.add(b));

/** Σ_scales mean((D(real) − 1)²) + mean(D(fake)²); the caller detaches the fakes it feeds D. */
export function lsganDiscriminatorLoss(real: Tensor[], fake: Tensor[]): Tensor {
  checkScales('lsganDiscriminatorLoss', real, fake);
  return tidy(() => sumOf(real.map((r, i) => r.sub(1).pow(2).mean().add(fake[i].pow(2).mean()))));
}

/** Σ_scales mean((D(fake) − 1)²): the translator wants its images taken for real. */
export function lsganGeneratorLoss(fake: Tensor[]): Tensor {
  checkScales('lsganGeneratorLoss', fake);
  return tidy(() => sumOf(fake.map((f) => f.sub(1).pow(2).mean())));
}
