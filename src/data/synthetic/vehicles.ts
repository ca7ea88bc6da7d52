/**
 * Vehicles: cars, trucks, buses and trams, each as the end facing the camera (rear or front)
 * plus the flank along the street, so they read as boxes in perspective.
 */
import type { Rng } from '../random.js';
import type { Paint } from './canvas.js';
import { billboard, side, fill, type Drawable } from './drawable.js';
import { CAR_PAINTS, inRoundedBox, LABEL, vary, grain, TYRE, HUB, DARK, UNDERBODY, PLATE, CARGO, CABIN_LIGHT, POLE_GREY, HEADLIGHT, TAIL_LIGHT, type Rgb } from './shapes.js';
import type { Style } from './style.js';

export interface VehicleLook {
  paint: Rgb;
  glass: Rgb;
  seed: number;
  lightsOn: boolean;
}

function vehicleLook(rng: Rng, style: Style, paints: readonly Rgb[]): VehicleLook {
  return {
    paint: vary(rng, rng.pick(paints), 0.12),
    glass: vary(rng, [0.13, 0.16, 0.2], 0.2),
    seed: rng.nextUint32(),
    // Drawn in every look so that the look does not change the layout.
    lightsOn: rng.bool(0.1) || style.lightsOn,
  };
}

function glassShade(look: VehicleLook, t: number, p: Paint): void {
  // Sky reflected in the upper part of the glass.
  const k = 0.8 + 0.7 * t;
  fill(p, look.glass, k);
}

/** A car from behind (or the front when `front`), W wide and H tall. */
function carEnd(look: VehicleLook, W: number, H: number, front: boolean) {
  const hw = W / 2;
  const light: Rgb = front ? HEADLIGHT : TAIL_LIGHT;
  return (u: number, v: number, p: Paint): number => {
    const au = Math.abs(u);
    const g = grain(u, v, look.seed, 0.04);
    if (v < 0.33 && au > hw - 0.3 && au < hw - 0.04) {
      fill(p, TYRE, g);
      return LABEL.car;
    }
    if (v < 0.2) {
      if (au < hw - 0.1) {
        fill(p, UNDERBODY, 1);
        return LABEL.car;
      }
      return 0;
    }
    if (inRoundedBox(u, v, -hw, 0.2, hw, 0.98, 0.1)) {
      if (v > 0.66 && v < 0.8 && au > hw - 0.33 && au < hw - 0.05) {
        if (look.lightsOn) fill(p, light, 2.2, 1);
        else fill(p, light, 0.9);
        return LABEL.car;
      }
      if (au < 0.25 && v > 0.4 && v < 0.52) {
        fill(p, PLATE, g);
        return LABEL.car;
      }
      const k = v < 0.36 ? 0.55 : 0.75 + 0.3 * ((v - 0.36) / 0.62);
      fill(p, look.paint, k * g);
      return LABEL.car;
    }
    if (v >= 0.98 && v <= H) {
      const t = (v - 0.98) / (H - 0.98);
      const half = hw * (0.93 - 0.22 * t);
      if (au > half) return 0;
      if (au < half - 0.08 && v > 1.02 && v < H - 0.07) glassShade(look, t, p);
      else fill(p, look.paint, 0.95 * g);
      return LABEL.car;
    }
    return 0;
  };
}

/** A car's flank along the street: `u` runs from its rear end (0) to its front (L). */
function carFlank(look: VehicleLook, L: number, H: number, z0: number) {
  return (z: number, v: number, p: Paint): number => {
    const u = z - z0;
    const g = grain(u, v, look.seed + 7, 0.04);
    for (let w = 0; w < 2; w++) {
      const c = w === 0 ? 0.8 : L - 0.85;
      const d = Math.hypot(u - c, v - 0.32);
      if (d < 0.32) {
        fill(p, d < 0.17 ? HUB : TYRE, g);
        return LABEL.car;
      }
    }
    if (inRoundedBox(u, v, 0.02, 0.22, L - 0.02, 0.96, 0.22)) {
      const k = v < 0.4 ? 0.6 : 0.78 + 0.25 * ((v - 0.4) / 0.56);
      // A door seam and a handle.
      const seam = Math.abs(u - L * 0.52) < 0.015 && v > 0.35;
      fill(p, look.paint, (seam ? 0.55 : k) * g);
      return LABEL.car;
    }
    if (v >= 0.96 && v <= H) {
      const t = (v - 0.96) / (H - 0.96);
      const rear = L * (0.12 + 0.12 * t);
      const frontEnd = L * (0.78 - 0.2 * t);
      if (u < rear || u > frontEnd) return 0;
      const pillar = Math.abs(u - L * 0.5) < 0.06;
      if (!pillar && u > rear + 0.06 && u < frontEnd - 0.06 && v < H - 0.06) glassShade(look, t, p);
      else fill(p, look.paint, 0.9 * g);
      return LABEL.car;
    }
    return 0;
  };
}

/**
 * A car standing in the street at lateral centre X, rear (or front) at depth z: its end facing
 * the camera and the flank that faces the camera's line of sight.
 */
export function car(rng: Rng, style: Style, X: number, z: number, front: boolean): Drawable[] {
  const look = vehicleLook(rng, style, CAR_PAINTS);
  const W = rng.range(1.65, 1.9);
  const H = rng.range(1.35, 1.7);
  const L = rng.range(3.9, 4.8);
  const flankX = X > 0 ? X - W / 2 : X + W / 2;
  return [
    billboard({ X, z, halfWidth: W / 2, top: H, shape: carEnd(look, W, H, front) }),
    side({ X: flankX, z0: z, z1: z + L, top: H, shape: carFlank(look, L, H, z) }),
  ];
}

interface BoxVehicle {
  label: number;
  W: number;
  H: number;
  L: number;
  /** Height of the window band's bottom and top on the flank (null: none). */
  windows: [number, number] | null;
  /** Window pitch along the flank. */
  pitch: number;
  stripe: Rgb | null;
}

function boxEnd(look: VehicleLook, b: BoxVehicle, front: boolean) {
  const hw = b.W / 2;
  return (u: number, v: number, p: Paint): number => {
    const au = Math.abs(u);
    const g = grain(u, v, look.seed, 0.04);
    if (v < 0.5) {
      if (au > hw - 0.5 && au < hw - 0.08) {
        fill(p, TYRE, g);
        return b.label;
      }
      if (au < hw - 0.15) {
        fill(p, DARK, g);
        return b.label;
      }
      return 0;
    }
    if (au > hw || v > b.H) return 0;
    if (v > 0.7 && v < 0.9 && au > hw - 0.35 && au < hw - 0.08) {
      const light: Rgb = front ? HEADLIGHT : TAIL_LIGHT;
      if (look.lightsOn) fill(p, light, 2.2, 1);
      else fill(p, light, 0.9);
      return b.label;
    }
    const bigWindow = b.label !== LABEL.truck || front;
    if (bigWindow && v > b.H * 0.55 && v < b.H - 0.2 && au < hw - 0.15) {
      glassShade(look, (v - b.H * 0.55) / (b.H * 0.45), p);
      return b.label;
    }
    if (b.label === LABEL.truck && !front && Math.abs(u) < 0.02 && v > 1.0) {
      fill(p, look.paint, 0.5);
      return b.label;
    }
    fill(p, look.paint, (0.8 + 0.2 * (v / b.H)) * g);
    return b.label;
  };
}

function boxFlank(look: VehicleLook, b: BoxVehicle, z0: number, cabAtFront: boolean) {
  const axles = b.L > 9 ? [1.0, b.L - 2.4, b.L - 1.3] : [1.0, b.L - 1.3];
  return (z: number, v: number, p: Paint): number => {
    const u = z - z0;
    const g = grain(u, v, look.seed + 3, 0.04);
    for (let w = 0; w < axles.length; w++) {
      const c = axles[w];
      const d = Math.hypot(u - c, v - 0.48);
      if (d < 0.48) {
        fill(p, d < 0.25 ? POLE_GREY : TYRE, g);
        return b.label;
      }
    }
    if (v < 0.45) {
      if (u < 0.3 || u > b.L - 0.3 || v < 0.25) return 0;
      fill(p, DARK, g);
      return b.label;
    }
    if (u < 0 || u > b.L || v > b.H) return 0;
    if (b.label === LABEL.truck) {
      // Cab at the front end, a gap, then the cargo box.
      const cabStart = cabAtFront ? b.L - 2.2 : 0;
      const inCab = u >= cabStart && u <= cabStart + 2.2;
      if (!inCab && (cabAtFront ? u > b.L - 2.4 : u < 2.4)) {
        if (v >= 1.0) return 0;
        fill(p, DARK, g);
        return b.label;
      }
      if (inCab) {
        if (v > 1.9 && v < b.H * 0.85 && Math.abs(u - (cabStart + 1.1)) < 0.7) glassShade(look, (v - 1.9) / 1, p);
        else fill(p, look.paint, 0.85 * g);
        return b.label;
      }
      if (b.stripe && v > 1.6 && v < 2.1) fill(p, b.stripe, g);
      else fill(p, CARGO, (0.85 + 0.1 * Math.sin(u * 6)) * g);
      return b.label;
    }
    if (b.windows && v > b.windows[0] && v < b.windows[1]) {
      const pos = (u / b.pitch) % 1;
      if (pos > 0.08 && u > 0.4 && u < b.L - 0.4) {
        glassShade(look, (v - b.windows[0]) / (b.windows[1] - b.windows[0]), p);
        if (look.lightsOn && b.label !== LABEL.truck) fill(p, CABIN_LIGHT, 1.2, 1);
        return b.label;
      }
    }
    if (b.stripe && v > 0.9 && v < 1.1) {
      fill(p, b.stripe, g);
      return b.label;
    }
    fill(p, look.paint, (0.78 + 0.22 * (v / b.H)) * g);
    return b.label;
  };
}

function boxVehicle(rng: Rng, style: Style, X: number, z: number, front: boolean, b: BoxVehicle, paints: readonly Rgb[]): Drawable[] {
  const look = vehicleLook(rng, style, paints);
  const flankX = X > 0 ? X - b.W / 2 : X + b.W / 2;
  return [
    billboard({ X, z, halfWidth: b.W / 2, top: b.H, shape: boxEnd(look, b, front) }),
    side({ X: flankX, z0: z, z1: z + b.L, top: b.H, shape: boxFlank(look, b, z, !front) }),
  ];
}

export function truck(rng: Rng, style: Style, X: number, z: number, front: boolean): Drawable[] {
  const stripe = rng.bool(0.5) ? vary(rng, rng.pick(CAR_PAINTS), 0.2) : null;
  return boxVehicle(
    rng,
    style,
    X,
    z,
    front,
    { label: LABEL.truck, W: 2.45, H: rng.range(3.0, 3.8), L: rng.range(7, 10), windows: null, pitch: 1, stripe },
    [[0.85, 0.85, 0.83], [0.75, 0.2, 0.15], [0.2, 0.3, 0.55], [0.3, 0.3, 0.3], [0.9, 0.75, 0.2]],
  );
}

export function bus(rng: Rng, style: Style, X: number, z: number, front: boolean): Drawable[] {
  return boxVehicle(
    rng,
    style,
    X,
    z,
    front,
    { label: LABEL.bus, W: 2.55, H: rng.range(3.0, 3.3), L: rng.range(11, 13), windows: [1.2, 2.6], pitch: rng.range(1.3, 1.7), stripe: null },
    [[0.85, 0.12, 0.1], [0.95, 0.78, 0.15], [0.9, 0.9, 0.88], [0.15, 0.35, 0.7], [0.2, 0.55, 0.3]],
  );
}

/** A tram on rails in the street (Cityscapes "train"). */
export function tram(rng: Rng, style: Style, X: number, z: number, front: boolean): Drawable[] {
  return boxVehicle(
    rng,
    style,
    X,
    z,
    front,
    { label: LABEL.train, W: 2.4, H: 3.4, L: rng.range(25, 32), windows: [1.1, 2.5], pitch: 2.2, stripe: [0.2, 0.2, 0.2] },
    [[0.9, 0.9, 0.85], [0.8, 0.15, 0.12], [0.95, 0.8, 0.2], [0.1, 0.45, 0.4]],
  );
}
