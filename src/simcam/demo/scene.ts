// The synthetic scene: a precomputed base (colour gradients, a zone plate, fine line gratings) plus, per
// frame, one typed-array pass for sensor noise and brightness/contrast, then a few moving shapes and a
// binary frame counter. Everything JPEG finds hard (fine detail, sharp edges, noise) is on screen, so a
// quality change is visible. A look (label, hue) puts a coloured border and a big label card in the picture,
// so cameras side by side tell apart at a glance.
import type { SceneLook } from '../types';
import { GLYPH_HEIGHT, GLYPH_WIDTH, ink } from './glyphs';

export interface SceneAdjust {
  /** −3…3, like sensor.set_brightness(). */
  brightness: number;
  /** −3…3, like sensor.set_contrast(). */
  contrast: number;
  hmirror: boolean;
  vflip: boolean;
}

const NOISE_BITS = 18;
/** Precomputed noisy frames cycled through; rebuilt lazily after a brightness/contrast/flip change. */
const VARIANTS = 6;
const NOISE_MASK = (1 << NOISE_BITS) - 1;
/** Noise values are 0…NOISE_SPAN−1 and centred by the LUT. */
const NOISE_SPAN = 24;

export class Scene {
  readonly width: number;
  readonly height: number;
  private base: Uint8Array;
  private readonly noise: Uint8Array;
  private lut = new Uint8Array(256 + NOISE_SPAN);
  private adjust: SceneAdjust = { brightness: 0, contrast: 0, hmirror: false, vflip: false };
  private seed = 0x2545f491;
  private variants: (Uint8Array | null)[] = new Array(VARIANTS).fill(null);
  private lastVariant = -1;
  /** How many noisy backgrounds were computed (the expensive per-pixel pass). */
  variantBuilds = 0;

  constructor(
    width: number,
    height: number,
    private readonly look: SceneLook = {},
  ) {
    this.width = width;
    this.height = height;
    this.noise = new Uint8Array(1 << NOISE_BITS);
    for (let i = 0; i < this.noise.length; i++) this.noise[i] = this.rand() % NOISE_SPAN;
    this.base = this.renderBase();
    this.setAdjust(this.adjust);
  }

  setAdjust(a: SceneAdjust): void {
    const b = this.adjust;
    const same =
      a.brightness === b.brightness &&
      a.contrast === b.contrast &&
      a.hmirror === b.hmirror &&
      a.vflip === b.vflip;
    if (same && this.variants.some((v) => v)) return;
    const flipsChanged = a.hmirror !== this.adjust.hmirror || a.vflip !== this.adjust.vflip;
    this.adjust = { ...a };
    const gain = 1 + a.contrast * 0.25;
    const bias = a.brightness * 20;
    for (let i = 0; i < this.lut.length; i++) {
      const v = (i - NOISE_SPAN / 2 - 128) * gain + 128 + bias;
      this.lut[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    if (flipsChanged) this.base = this.renderBase();
    this.variants.fill(null);
  }

  /** Render frame `n` into `out` (w·h·3 RGB): a noisy background variant, then the moving parts. */
  render(n: number, out: Uint8Array): void {
    // A different variant than last time, so the noise always changes between frames.
    let v = this.rand() % VARIANTS;
    if (v === this.lastVariant) v = (v + 1) % VARIANTS;
    this.lastVariant = v;
    out.set((this.variants[v] ??= this.noisy()));
    this.drawShapes(n, out);
    this.drawCounter(n, out);
  }

  /** One pass of sensor noise plus brightness/contrast over the base (the only per-pixel work). */
  private noisy(): Uint8Array {
    const { base, noise, lut } = this;
    this.variantBuilds++;
    const out = new Uint8Array(base.length);
    const off = this.rand() & NOISE_MASK;
    for (let i = 0; i < base.length; i++) out[i] = lut[base[i]! + noise[(i + off) & NOISE_MASK]!]!;
    return out;
  }

  private rand(): number {
    // xorshift32: cheap, deterministic noise.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  /** Map scene coordinates to buffer coordinates (mirror / flip as the sensor would). */
  private px(x: number, y: number): number {
    const X = this.adjust.hmirror ? this.width - 1 - x : x;
    const Y = this.adjust.vflip ? this.height - 1 - y : y;
    return (Y * this.width + X) * 3;
  }

  private renderBase(): Uint8Array {
    const { width: w, height: h } = this;
    const out = new Uint8Array(w * h * 3);
    const split = Math.floor(h / 2);
    const cx = w / 4;
    const cy = split + (h - split) / 2;
    const k = Math.PI / Math.max(w, h) / 1.5;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = this.px(x, y);
        let r: number, g: number, b: number;
        if (y < split) {
          // Smooth colour gradients: banding shows at low quality.
          const t = x / w;
          const s = y / split;
          r = 255 * t;
          g = 255 * (1 - Math.abs(2 * t - 1)) * (0.4 + 0.6 * s);
          b = 255 * (1 - t) * (1 - 0.5 * s);
        } else if (x < w / 2) {
          // Zone plate: rings getting finer outwards, the classic ringing/blocking probe.
          const dx = x - cx;
          const dy = y - cy;
          const v = 128 + 110 * Math.cos(k * (dx * dx + dy * dy));
          r = g = b = v;
        } else {
          // Line gratings of 1, 2 and 3 px and a fine checkerboard.
          const band = Math.floor(((y - split) * 4) / (h - split));
          const xx = x - Math.floor(w / 2);
          let on: boolean;
          if (band === 0) on = xx % 2 === 0;
          else if (band === 1) on = Math.floor(xx / 2) % 2 === 0;
          else if (band === 2) on = Math.floor(y / 3) % 2 === 0;
          else on = (xx + y) % 2 === 0;
          const v = on ? 230 : 25;
          r = v;
          g = band === 3 ? 255 - v : v;
          b = v;
        }
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
    }
    this.drawLook(out);
    return out;
  }

  /** The border in the camera's hue and the label card (white ink on the hue, or on grey without one). */
  private drawLook(out: Uint8Array): void {
    const { width: w, height: h } = this;
    const { label, hue } = this.look;
    const colour = hue === undefined ? [70, 70, 70] : hsv(hue, 0.8, 0.85);
    if (hue !== undefined) {
      const t = borderWidth(w, h);
      this.fillRect(out, 0, 0, w, t, colour);
      this.fillRect(out, 0, h - t, w, h, colour);
      this.fillRect(out, 0, 0, t, h, colour);
      this.fillRect(out, w - t, 0, w, h, colour);
    }
    if (!label) return;
    const l = labelLayout(w, h, label);
    this.fillRect(
      out,
      l.x - l.scale,
      l.y - l.scale,
      l.x + l.width + l.scale,
      l.y + l.height + l.scale,
      colour,
    );
    [...label].forEach((c, i) => {
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (!ink(c, gx, gy)) continue;
          const x = l.x + (i * (GLYPH_WIDTH + 1) + gx) * l.scale;
          const y = l.y + gy * l.scale;
          this.fillRect(out, x, y, x + l.scale, y + l.scale, [255, 255, 255]);
        }
      }
    });
  }

  private fillRect(out: Uint8Array, x0: number, y0: number, x1: number, y1: number, rgb: number[]): void {
    x0 = Math.max(0, Math.floor(x0));
    y0 = Math.max(0, Math.floor(y0));
    x1 = Math.min(this.width, Math.floor(x1));
    y1 = Math.min(this.height, Math.floor(y1));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const o = this.px(x, y);
        out[o] = rgb[0]!;
        out[o + 1] = rgb[1]!;
        out[o + 2] = rgb[2]!;
      }
    }
  }

  private drawShapes(n: number, out: Uint8Array): void {
    const { width: w, height: h } = this;
    // A bouncing disc.
    const r = Math.max(4, Math.floor(h / 10));
    const period = 2 * (w - 2 * r);
    let px = (n * 7) % Math.max(1, period);
    if (px > w - 2 * r) px = period - px;
    const cx = r + px;
    const cy = h / 4 + (h / 6) * Math.sin(n / 9);
    const r2 = r * r;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(h, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(w, Math.ceil(cx + r)); x++) {
        const dx = x - cx;
        const dy = y - cy;
        if (dx * dx + dy * dy <= r2) {
          const o = this.px(x, y);
          out[o] = 250;
          out[o + 1] = 220;
          out[o + 2] = 40;
        }
      }
    }
    // A square on a Lissajous path across the detail area.
    const s = Math.max(4, Math.floor(h / 12));
    const sx = w / 2 + (w / 2 - s) * (0.5 + 0.45 * Math.sin(n / 13));
    const sy = h / 2 + (h / 2 - s) * (0.5 + 0.45 * Math.sin(n / 7));
    this.fillRect(out, sx - s / 2, sy - s / 2, sx + s / 2, sy + s / 2, [220, 30, 60]);
    // A sweeping vertical bar over the zone plate.
    const bx = ((n * 3) % Math.max(1, Math.floor(w / 2))) | 0;
    this.fillRect(out, bx, h / 2, bx + Math.max(2, w / 80), h, [30, 200, 240]);
  }

  /** 24 cells along the top edge: frame number in binary (white = 1), readable after heavy compression. */
  private drawCounter(n: number, out: Uint8Array): void {
    const cell = Math.max(2, Math.floor(this.width / 32));
    for (let bit = 0; bit < 24; bit++) {
      const on = (n >>> (23 - bit)) & 1;
      const v = on ? 255 : 0;
      this.fillRect(out, cell * (bit + 1), cell / 2, cell * (bit + 2) - 1, cell * 1.5, [v, v, v]);
    }
  }
}

/** Border thickness of a scene with a hue. */
export function borderWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) / 40));
}

/** Where the label's ink goes (scene coordinates): centred on the upper half, about a third of it tall. */
export function labelLayout(
  width: number,
  height: number,
  label: string,
): { x: number; y: number; scale: number; width: number; height: number } {
  const cols = label.length * (GLYPH_WIDTH + 1) - 1;
  const scale = Math.max(1, Math.floor(Math.min((height * 0.3) / GLYPH_HEIGHT, (width * 0.8) / cols)));
  const w = cols * scale;
  const h = GLYPH_HEIGHT * scale;
  return { x: Math.floor((width - w) / 2), y: Math.floor(height / 4 - h / 2), scale, width: w, height: h };
}

/** HSV → RGB, h in degrees, s and v in [0, 1]. */
function hsv(h: number, s: number, v: number): number[] {
  const f = (n: number): number => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}
