/**
 * A pinhole camera looking down a flat street: ground plane at height 0, camera at height `h`,
 * optical axis level with the ground. World X is lateral (metres, right positive), z is depth
 * (metres ahead), v is height above the ground.
 */
export class Camera {
  /** Focal length in pixels. */
  readonly f: number;
  /** Principal point column. */
  readonly cx: number;

  constructor(
    readonly width: number,
    readonly height: number,
    /** Row of the horizon. */
    readonly horizon: number,
    /** Camera height above the ground in metres. */
    readonly h: number,
    focalFraction: number,
  ) {
    this.f = width * focalFraction;
    this.cx = width / 2;
  }

  /** Pixels per metre at depth z. */
  scale(z: number): number {
    return this.f / z;
  }

  /** Image row of a point at height v and depth z. */
  row(v: number, z: number): number {
    return this.horizon + (this.f * (this.h - v)) / z;
  }

  /** Image column of lateral position X at depth z. */
  column(X: number, z: number): number {
    return this.cx + (this.f * X) / z;
  }

  /** Depth of the ground seen at image row y (Infinity at and above the horizon). */
  groundDepth(y: number): number {
    const d = y - this.horizon;
    return d > 0 ? (this.f * this.h) / d : Infinity;
  }

  /** Depth nearest to the camera that is still in view at the bottom row. */
  get nearestGround(): number {
    return this.groundDepth(this.height);
  }
}
