/**
 * The street's layout: lanes and markings, curbs, sidewalks and grass verges, what each side is
 * lined with, rails, crosswalk, shadows and the materials of the ground.
 */
import type { Rng } from '../random.js';
import { vary, type Rgb } from './shapes.js';
import type { Style } from './style.js';

export type SideKind = 'buildings' | 'park';

export interface StreetSide {
  kind: SideKind;
  /** +1 for the right side, -1 for the left. */
  sign: number;
  /** |X| of the road edge. */
  roadEdge: number;
  /** Grass strip between road and sidewalk (m, 0 for none). */
  verge: number;
  sidewalk: number;
  /** |X| of the outer edge of the sidewalk (the building line). */
  outer: number;
}

export interface Street {
  left: StreetSide;
  right: StreetSide;
  lanes: number[];
  /** Lanes whose traffic comes towards the camera. */
  oncoming: boolean[];
  markings: { X: number; dashed: boolean; colour: Rgb }[];
  crosswalk: { z0: number; z1: number } | null;
  rails: number[];
  road: Rgb;
  sidewalkColour: Rgb;
  tile: number;
  curb: Rgb;
  grass: Rgb;
  /** Shadow cast by the buildings of one side over the street: the side and the width. */
  shadow: { sign: number; width: number } | null;
  seed: number;
}

const ROADS: readonly Rgb[] = [
  [0.3, 0.3, 0.32],
  [0.36, 0.35, 0.36],
  [0.26, 0.27, 0.3],
  [0.4, 0.38, 0.4],
];
const PAVEMENTS: readonly Rgb[] = [
  [0.62, 0.6, 0.56],
  [0.66, 0.5, 0.48],
  [0.55, 0.55, 0.58],
  [0.7, 0.65, 0.55],
];
const GRASSES: readonly Rgb[] = [
  [0.46, 0.58, 0.26],
  [0.55, 0.6, 0.3],
  [0.5, 0.48, 0.3],
  [0.42, 0.55, 0.3],
];

function planSide(rng: Rng, sign: number, roadEdge: number): StreetSide {
  const verge = rng.bool(0.3) ? rng.range(0.8, 2.5) : 0;
  const sidewalk = rng.range(2, 5);
  return {
    kind: rng.bool(0.72) ? 'buildings' : 'park',
    sign,
    roadEdge,
    verge,
    sidewalk,
    outer: roadEdge + verge + sidewalk,
  };
}

/** Draws the same numbers whatever the look, so one seed gives one layout in every look. */
function castShadow(rng: Rng, style: Style): Street['shadow'] {
  const wanted = rng.bool(0.6);
  const sign = rng.bool(0.5) ? 1 : -1;
  const width = rng.range(2, 9);
  return wanted && style.sun > 0.3 ? { sign, width } : null;
}

export function planStreet(rng: Rng, style: Style): Street {
  const laneCount = rng.pick([1, 2, 2, 2, 3, 4]);
  const laneWidth = rng.range(2.9, 3.5);
  const width = laneCount * laneWidth;
  // The camera drives in one of the lanes.
  const egoLane = laneCount >= 2 ? rng.intBetween(Math.floor(laneCount / 2), laneCount - 1) : 0;
  const roadLeft = -(egoLane + 0.5) * laneWidth + rng.range(-0.4, 0.4);
  const roadRight = roadLeft + width;
  const lanes = Array.from({ length: laneCount }, (_, i) => roadLeft + (i + 0.5) * laneWidth);
  const twoWay = laneCount >= 2 && rng.bool(0.7);
  const oncoming = lanes.map((_, i) => twoWay && i < Math.floor(laneCount / 2));
  const white: Rgb = [0.86, 0.86, 0.84];
  const markings: Street['markings'] = [];
  for (let i = 1; i < laneCount; i++) {
    const centre = twoWay && i === Math.floor(laneCount / 2);
    markings.push({ X: roadLeft + i * laneWidth, dashed: !centre || rng.bool(0.3), colour: centre && rng.bool(0.2) ? [0.85, 0.7, 0.15] : white });
  }
  if (rng.bool(0.6)) {
    markings.push({ X: roadLeft + 0.3, dashed: false, colour: white });
    markings.push({ X: roadRight - 0.3, dashed: false, colour: white });
  }
  const railLane = rng.bool(0.12) ? rng.pick(lanes) : null;
  return {
    left: planSide(rng, -1, -roadLeft),
    right: planSide(rng, 1, roadRight),
    lanes,
    oncoming,
    markings,
    crosswalk: rng.bool(0.35) ? (() => {
      const z0 = rng.range(8, 30);
      return { z0, z1: z0 + rng.range(3, 5) };
    })() : null,
    rails: railLane === null ? [] : [railLane - 0.72, railLane + 0.72],
    road: vary(rng, rng.pick(ROADS), 0.1),
    sidewalkColour: vary(rng, rng.pick(PAVEMENTS), 0.08),
    tile: rng.range(0.25, 0.6),
    curb: vary(rng, [0.7, 0.7, 0.68], 0.05),
    grass: vary(rng, rng.pick(GRASSES), 0.1),
    shadow: castShadow(rng, style),
    seed: rng.nextUint32(),
  };
}
