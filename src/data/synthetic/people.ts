/**
 * People in the street: pedestrians (front or back views, walking poses) and riders on bicycles
 * or motorcycles (side views). Shapes are in metres; variation comes from the Rng given.
 */
import type { Rng } from '../random.js';
import { billboard, fill, type Drawable } from './drawable.js';
import { CAR_PAINTS, CLOTHES, SKIN, inCapsule, inEllipse, LABEL, vary, grain, TYRE, SPOKE, RIM, SEAT, SHOE, CHROME, DARK, type Rgb } from './shapes.js';

interface Figure {
  shirt: Rgb;
  pants: Rgb;
  skin: Rgb;
  hair: Rgb;
  seed: number;
}

function figure(rng: Rng): Figure {
  return {
    shirt: vary(rng, rng.pick(CLOTHES), 0.2),
    pants: vary(rng, rng.pick(CLOTHES), 0.2),
    skin: vary(rng, rng.pick(SKIN), 0.08),
    hair: vary(rng, rng.pick([[0.08, 0.06, 0.05], [0.35, 0.25, 0.15], [0.6, 0.5, 0.3], [0.5, 0.5, 0.5]] as Rgb[]), 0.1),
    seed: rng.nextUint32(),
  };
}

/** A standing or walking person, seen from the front or back. */
export function person(rng: Rng, X: number, z: number): Drawable {
  const H = rng.range(1.5, 1.95);
  const k = H / 1.75;
  const f = figure(rng);
  const stride = rng.range(-0.14, 0.14) * k;
  const back = rng.bool(0.5);
  const bag: Rgb | null = rng.bool(0.3) ? vary(rng, rng.pick(CLOTHES), 0.2) : null;
  const headV = H - 0.12 * k;
  const headR = 0.1 * k;
  const torsoTop = H - 0.25 * k;
  const hip = 0.5 * H;
  const shoulder = 0.2 * k * rng.range(0.9, 1.2);
  return billboard({
    X,
    z,
    halfWidth: shoulder + 0.2,
    top: H + 0.02,
    shape: (u, v, p) => {
      const g = grain(u, v, f.seed, 0.06);
      if (inEllipse(u, v, 0, headV, headR * 0.85, headR * 1.15)) {
        const hairy = back || v > headV + headR * 0.45;
        fill(p, hairy ? f.hair : f.skin, g);
        return LABEL.person;
      }
      if (v >= torsoTop && v < headV - headR * 0.8 && Math.abs(u) < 0.05 * k) {
        fill(p, f.skin, 0.9);
        return LABEL.person;
      }
      if (v >= hip && v < torsoTop) {
        const half = shoulder * (0.78 + (0.22 * (v - hip)) / (torsoTop - hip));
        const au = Math.abs(u);
        if (au < half) {
          if (bag && back && au < half * 0.75 && v > hip + 0.12 && v < torsoTop - 0.05) fill(p, bag, g);
          else fill(p, f.shirt, g * (1 - 0.25 * (au / half) ** 2));
          return LABEL.person;
        }
        // Arms hang beside the torso; hands below the sleeves.
        if (au < half + 0.08 * k && v > hip - 0.1 * k) {
          fill(p, v < hip + 0.1 * k ? f.skin : f.shirt, g * 0.85);
          return LABEL.person;
        }
        return 0;
      }
      if (v < hip && v >= 0) {
        const t = (hip - v) / hip;
        const left = -0.09 * k + stride * t;
        const right = 0.09 * k - stride * t;
        if (Math.abs(u - left) < 0.075 * k || Math.abs(u - right) < 0.075 * k) {
          fill(p, v < 0.07 ? SHOE : f.pants, g);
          return LABEL.person;
        }
        // Hands at hip height reach just below it.
        if (v > hip - 0.1 * k && Math.abs(u) > shoulder * 0.78 && Math.abs(u) < shoulder * 0.78 + 0.08 * k) {
          fill(p, f.skin, g);
          return LABEL.person;
        }
      }
      return 0;
    },
  });
}

/** A bicycle or motorcycle seen from the side, with or without its rider. */
export function twoWheeler(rng: Rng, X: number, z: number, motor: boolean, ridden: boolean): Drawable {
  const dir = rng.bool(0.5) ? 1 : -1;
  const frame: Rgb = vary(rng, rng.pick(motor ? CAR_PAINTS : CLOTHES), 0.2);
  const f = figure(rng);
  const helmet: Rgb = vary(rng, rng.pick(CAR_PAINTS), 0.2);
  const wheelR = motor ? 0.31 : 0.34;
  const wx = motor ? 0.68 : 0.55;
  const label = motor ? LABEL.motorcycle : LABEL.bicycle;
  const helmeted = motor || rng.bool(0.5);
  const tyre = motor ? 0.1 : 0.04;
  return billboard({
    X,
    z,
    halfWidth: 1.05,
    top: ridden ? 1.8 : 1.2,
    shape: (uu, v, p) => {
      const u = uu * dir;
      const g = grain(u, v, f.seed, 0.05);
      if (ridden) {
        const seatU = motor ? -0.18 : -0.16;
        const seatV = motor ? 0.86 : 0.92;
        const shU = seatU + 0.22;
        const shV = seatV + 0.52;
        if (inEllipse(u, v, shU + 0.06, shV + 0.17, 0.11, 0.12)) {
          fill(p, helmeted ? helmet : f.hair, g);
          return LABEL.rider;
        }
        if (inCapsule(u, v, seatU, seatV + 0.05, shU, shV, 0.13)) {
          fill(p, f.shirt, g);
          return LABEL.rider;
        }
        if (inCapsule(u, v, shU, shV - 0.04, 0.42, motor ? 1.02 : 1.0, 0.045)) {
          fill(p, f.shirt, g * 0.85);
          return LABEL.rider;
        }
        const kneeU = seatU + 0.3;
        const kneeV = seatV - 0.25;
        if (inCapsule(u, v, seatU, seatV, kneeU, kneeV, 0.075) || inCapsule(u, v, kneeU, kneeV, 0.03, 0.3, 0.06)) {
          fill(p, f.pants, g);
          return LABEL.rider;
        }
      }
      for (let w = -1; w <= 1; w += 2) {
        const c = w * wx;
        const d = Math.hypot(u - c, v - wheelR);
        if (d <= wheelR && d >= wheelR - tyre) {
          fill(p, TYRE, g);
          return label;
        }
        if (d < 0.05 || (d < wheelR && !motor && Math.abs(((Math.atan2(v - wheelR, u - c) * 8) / Math.PI) % 1) < 0.08)) {
          fill(p, SPOKE, g);
          return label;
        }
        if (motor && d < wheelR - tyre) {
          fill(p, RIM, g);
          return label;
        }
      }
      if (motor) {
        if (inEllipse(u, v, 0.02, 0.62, 0.55, 0.2) || inCapsule(u, v, 0.42, 0.95, wx, wheelR, 0.05)) {
          fill(p, frame, g * (v > 0.62 ? 1.1 : 0.8));
          return label;
        }
        if (v > 0.78 && v < 0.9 && u > -0.5 && u < 0.15) {
          fill(p, SEAT, g);
          return label;
        }
        if (inCapsule(u, v, -0.6, 0.42, -0.1, 0.38, 0.05)) {
          fill(p, CHROME, g);
          return label;
        }
        return 0;
      }
      const r = 0.025;
      if (
        inCapsule(u, v, -wx, wheelR, 0, 0.3, r) ||
        inCapsule(u, v, 0, 0.3, -0.16, 0.86, r) ||
        inCapsule(u, v, -wx, wheelR, -0.16, 0.86, r) ||
        inCapsule(u, v, 0, 0.3, 0.42, 0.86, r) ||
        inCapsule(u, v, -0.14, 0.86, 0.42, 0.88, r) ||
        inCapsule(u, v, 0.42, 0.95, wx, wheelR, r) ||
        inCapsule(u, v, 0.36, 1.0, 0.5, 1.0, r)
      ) {
        fill(p, frame, g);
        return label;
      }
      if (u > -0.26 && u < -0.06 && v > 0.88 && v < 0.93) {
        fill(p, DARK, g);
        return label;
      }
      return 0;
    },
  });
}
