// Shared steps of the UI specs: connect through the connection bar, read the frame overlay, sample the canvas.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Pick the sim cam's pty in the port picker (as a user would) and connect; resolves when frames arrive. */
export async function connectTo(page: Page, target: string): Promise<void> {
  const select = page.getByTestId('port-select');
  // the list loads when the page attaches; refresh if the pty is not in it yet
  await expect(async () => {
    if ((await select.locator(`option[value="${target}"]`).count()) === 0) {
      await page.getByTestId('port-refresh').click();
    }
    await expect(select.locator(`option[value="${target}"]`)).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await select.selectOption(target);
  await page.getByTestId('connect').click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await waitForFrames(page, 2);
}

export interface FrameInfo {
  bytes: number;
  seq: number;
  quality: number | null;
}

export async function frameInfo(page: Page): Promise<FrameInfo> {
  const el = page.getByTestId('frame-bytes');
  const [bytes, seq, quality] = await Promise.all([
    el.getAttribute('data-value'),
    el.getAttribute('data-seq'),
    el.getAttribute('data-quality'),
  ]);
  return {
    bytes: Number(bytes ?? 0),
    seq: Number(seq ?? -1),
    quality: quality === null ? null : Number(quality),
  };
}

/** Wait until `n` more frames have been drawn. */
export async function waitForFrames(page: Page, n: number, timeout = 20_000): Promise<FrameInfo> {
  const start = (await frameInfo(page)).seq;
  await expect.poll(async () => (await frameInfo(page)).seq - start, { timeout }).toBeGreaterThanOrEqual(n);
  return frameInfo(page);
}

/** A cheap fingerprint of what the frame view shows (sum of a sparse pixel grid of the frame on its canvas). */
export function canvasFingerprint(page: Page): Promise<number> {
  return page.getByTestId('frame-canvas').evaluate((el) => {
    // (typed structurally: the e2e tsconfig has no DOM lib) The canvas holds the frame through a
    // bitmaprenderer context: read it back by drawing it onto a 2D canvas.
    type Ctx = {
      drawImage(src: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
    type Offscreen = new (w: number, h: number) => { getContext(kind: '2d'): Ctx | null };
    const c = el as unknown as { width: number; height: number };
    const Off = (globalThis as unknown as { OffscreenCanvas: Offscreen }).OffscreenCanvas;
    const ctx = new Off(c.width, c.height).getContext('2d');
    if (!ctx) return -1;
    ctx.drawImage(el, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4 * 97) h = (h * 31 + d[i]! + d[i + 1]! * 3 + d[i + 2]! * 7) >>> 0;
    return h;
  });
}

/** Set a range input's value the way a pointer drag ends (input + change events). */
export async function setSlider(page: Page, key: string, value: number): Promise<void> {
  await page.getByTestId(`config-${key}`).fill(String(value));
}

/** Wait until the control shows `value` and no write is pending on it (the camera confirmed it). */
export async function expectConfirmed(
  page: Page,
  key: string,
  value: string | number,
  timeout = 15_000,
): Promise<void> {
  await expect(page.getByTestId(`config-${key}-value`)).toHaveText(String(value), { timeout });
  await expect(page.getByTestId(`config-${key}`)).not.toHaveAttribute('data-pending', 'true', { timeout });
}
