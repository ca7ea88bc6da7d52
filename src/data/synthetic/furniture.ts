/**
 * Street furniture on the curb: poles and street lamps, traffic signs, traffic lights.
 */
import type { Rng } from '../random.js';
import { billboard, fill, type Drawable } from './drawable.js';
import { inCapsule, inEllipse, LABEL, vary, roundShade, RIM, DARK, LAMP, POLE_GREY, type Rgb } from './shapes.js';
import type { Style } from './style.js';

const METAL: readonly Rgb[] = [
  [0.5, 0.5, 0.52],
  [0.35, 0.36, 0.36],
  [0.2, 0.28, 0.22],
  [0.62, 0.62, 0.6],
];


/** A bare pole, optionally a street lamp with an arm reaching over the road (`towards` = ±1). */
export function pole(rng: Rng, style: Style, X: number, z: number, towards: number): Drawable {
  const r = rng.range(0.07, 0.13);
  const H = rng.range(4, 8.5);
  const metal = vary(rng, rng.pick(METAL), 0.1);
  const lamp = rng.bool(0.6);
  const arm = lamp ? rng.range(0.8, 1.8) * towards : 0;
  return billboard({
    X,
    z,
    halfWidth: Math.abs(arm) + 0.4,
    top: H + 0.3,
    shape: (u, v, p) => {
      if (Math.abs(u) < r && v <= H) {
        fill(p, metal, roundShade(u, r));
        return LABEL.pole;
      }
      if (lamp) {
        if (inCapsule(u, v, 0, H, arm, H + 0.15, 0.05)) {
          fill(p, metal, 0.9);
          return LABEL.pole;
        }
        if (inEllipse(u, v, arm, H + 0.05, 0.3, 0.1)) {
          if (v < H + 0.02 && style.lightsOn) fill(p, LAMP, 2.5, 1);
          else fill(p, metal, 0.7);
          return LABEL.pole;
        }
      }
      return 0;
    },
  });
}

type SignKind = 'prohibit' | 'mandatory' | 'warning' | 'priority' | 'info';

/** A traffic sign on its pole; from behind only the grey back plate shows. */
export function trafficSign(rng: Rng, X: number, z: number): Drawable {
  const kind = rng.pick<SignKind>(['prohibit', 'mandatory', 'warning', 'priority', 'info', 'prohibit']);
  const size = rng.range(0.55, 0.8);
  const h = rng.range(2.1, 2.8);
  const back = rng.bool(0.25);
  const r = 0.05;
  const cv = h + size / 2;
  const hs = size / 2;
  const white: Rgb = [0.92, 0.92, 0.9];
  const red: Rgb = [0.78, 0.08, 0.1];
  const blue: Rgb = [0.1, 0.3, 0.7];
  const yellow: Rgb = [0.95, 0.75, 0.1];
  const info = vary(rng, rng.pick<Rgb>([[0.1, 0.3, 0.7], [0.05, 0.45, 0.2], [0.92, 0.92, 0.9]]), 0.1);
  const wide = kind === 'info' ? rng.range(1.3, 2.2) : 1;
  const metal: Rgb = [0.55, 0.55, 0.57];
  return billboard({
    X,
    z,
    halfWidth: hs * wide + 0.05,
    top: h + size + 0.05,
    shape: (u, v, p) => {
      const du = u;
      const dv = v - cv;
      let inside = false;
      let colour: Rgb = white;
      if (kind === 'prohibit' || kind === 'mandatory') {
        const d = Math.hypot(du, dv) / hs;
        inside = d <= 1;
        if (kind === 'prohibit') colour = d > 0.75 ? red : Math.abs(dv) < 0.12 * hs && Math.abs(du) < 0.55 * hs ? red : white;
        else colour = d < 0.55 && Math.abs(du) < 0.08 * hs ? white : blue;
      } else if (kind === 'warning') {
        // Point-up triangle with a red border.
        const t = (dv + hs) / (2 * hs);
        inside = t >= 0 && t <= 1 && Math.abs(du) <= hs * (1 - t);
        colour = t < 0.15 || Math.abs(du) > hs * (1 - t) - 0.1 * hs ? red : white;
      } else if (kind === 'priority') {
        inside = Math.abs(du) + Math.abs(dv) <= hs;
        colour = Math.abs(du) + Math.abs(dv) <= hs * 0.7 ? yellow : white;
      } else {
        inside = Math.abs(du) <= hs * wide && Math.abs(dv) <= hs * 0.6;
        const text = Math.abs(dv) < hs * 0.35 && Math.abs(du) < hs * wide * 0.8 && ((dv / hs) * 6) % 1 < 0.35;
        colour = text ? (info[0] > 0.8 ? DARK : white) : info;
      }
      if (inside) {
        fill(p, back ? metal : colour, back ? 0.8 : 1);
        return LABEL.trafficSign;
      }
      if (Math.abs(u) < r && v <= h + size * 0.5) {
        fill(p, POLE_GREY, roundShade(u, r));
        return LABEL.pole;
      }
      return 0;
    },
  });
}

/** A traffic light on its pole: a housing with three lamps, one of them lit. */
export function trafficLight(rng: Rng, style: Style, X: number, z: number): Drawable {
  const h = rng.range(2.6, 4);
  const w = rng.range(0.28, 0.36);
  const H = w * 3;
  const housing = vary(rng, rng.pick<Rgb>([[0.08, 0.08, 0.08], [0.15, 0.2, 0.15], [0.75, 0.6, 0.1]]), 0.1);
  const lit = rng.int(3);
  const lamps: Rgb[] = [
    [1, 0.1, 0.05],
    [1, 0.65, 0.05],
    [0.1, 1, 0.4],
  ];
  const r = 0.07;
  return billboard({
    X,
    z,
    halfWidth: w / 2 + 0.05,
    top: h + H + 0.05,
    shape: (u, v, p) => {
      if (Math.abs(u) <= w / 2 && v >= h && v <= h + H) {
        const slot = Math.floor((h + H - v) / w);
        const cv = h + H - (slot + 0.5) * w;
        if (slot >= 0 && slot < 3 && Math.hypot(u, v - cv) < w * 0.33) {
          if (slot === lit) fill(p, lamps[slot], style.lightsOn ? 2.4 : 1, style.lightsOn ? 1 : 0);
          else fill(p, lamps[slot], 0.18);
        } else fill(p, housing, 1);
        return LABEL.trafficLight;
      }
      if (Math.abs(u) < r && v < h) {
        fill(p, RIM, roundShade(u, r));
        return LABEL.pole;
      }
      return 0;
    },
  });
}
