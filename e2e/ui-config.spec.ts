import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { connectTo, expectConfirmed, frameInfo, setSlider, waitForFrames } from './ui-helpers';

/** In-page watcher (a string: the e2e tsconfig has no DOM lib). Records frame seqs from attribute changes. */
const WATCH_QUALITY_SWITCH = `(() => {
  const bytes = document.querySelector('[data-testid="frame-bytes"]');
  const slider = document.querySelector('[data-testid="config-quality"]');
  const seq = () => Number(bytes.dataset.seq);
  const w = (window.__qswitch = { start: seq(), confirmed: -1, first: -1, quality: null });
  // the records' old values, not the current attribute: set and cleared may land in one observer callback
  new MutationObserver((records) => {
    for (const r of records) if (r.oldValue === 'true' && slider.dataset.pending !== 'true' && w.confirmed < 0) w.confirmed = seq();
  }).observe(slider, { attributes: true, attributeOldValue: true, attributeFilter: ['data-pending'] });
  new MutationObserver(() => {
    if (w.first < 0 && Number(bytes.dataset.value) < THRESHOLD) {
      w.first = seq();
      w.quality = bytes.dataset.quality ?? null;
    }
  }).observe(bytes, { attributes: true, attributeFilter: ['data-value'] });
})()`;

/** Median bytes of the next `n` frames. */
async function medianBytes(page: Page, n: number): Promise<number> {
  const sizes: number[] = [];
  let last = (await frameInfo(page)).seq;
  while (sizes.length < n) {
    const f = await waitForFrames(page, 1);
    if (f.seq !== last) sizes.push(f.bytes);
    last = f.seq;
  }
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(n / 2)]!;
}

test('quality 90 → 10 shrinks frames within a few frames, and back', async ({
  appPage: page,
  simcam,
}, testInfo) => {
  await connectTo(page, simcam.path);
  await setSlider(page, 'quality', 90);
  await expectConfirmed(page, 'quality', 90);
  await waitForFrames(page, 3);
  const high = await medianBytes(page, 5);

  // Watch in the page (no polling lag): the frame seq when the write is confirmed, and of the first small frame.
  await page.evaluate(WATCH_QUALITY_SWITCH.replace('THRESHOLD', String(Math.round(high * 0.6))));
  await setSlider(page, 'quality', 10);
  await expectConfirmed(page, 'quality', 10);
  await expect.poll(async () => (await frameInfo(page)).bytes, { timeout: 5000 }).toBeLessThan(high * 0.6);
  const w = (await page.evaluate('window.__qswitch')) as {
    start: number;
    confirmed: number;
    first: number;
    quality: string | null;
  };
  const f = await frameInfo(page);
  // the first small frame arrives within a few frames of the camera confirming the write
  expect(w.first).toBeGreaterThan(0);
  expect(w.confirmed, 'the write was seen pending, then confirmed').toBeGreaterThan(0);
  expect(w.first - w.confirmed).toBeLessThanOrEqual(6);
  expect(w.first - w.start).toBeLessThanOrEqual(15); // includes the frame read in progress and the write queue
  if (w.quality !== null) expect(w.quality).toBe('10');
  const note = `q90 ${high} B → q10 ${f.bytes} B; first q10 frame ${w.first - w.start} frame(s) after the slider moved, ${w.first - w.confirmed} after the readback`;
  testInfo.annotations.push({ type: 'measured', description: note });
  console.log(`quality: ${note}`);
  const low = await medianBytes(page, 5);
  expect(low).toBeLessThan(high * 0.6);

  await setSlider(page, 'quality', 90);
  await expectConfirmed(page, 'quality', 90);
  await expect.poll(async () => (await frameInfo(page)).bytes, { timeout: 5000 }).toBeGreaterThan(low * 1.5);
});

test('config readback after reconnect shows the camera values', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  await setSlider(page, 'quality', 37);
  await expectConfirmed(page, 'quality', 37);

  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'disconnected');
  // a fresh page knows nothing but what the camera reads back
  await page.reload();
  await connectTo(page, simcam.path);
  await expectConfirmed(page, 'quality', 37);
  await expect(page.getByTestId('config-quality')).toHaveValue('37');
});

test('a refused write is shown with its cause and the slider reverts', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  await setSlider(page, 'quality', 80);
  await expectConfirmed(page, 'quality', 80);

  expect(await simcam.control('reject-writes on')).toMatch(/^ok/);
  await setSlider(page, 'quality', 20);
  const toast = page.getByTestId('toast').filter({ hasText: 'quality=20' });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(toast).toContainText(/failed/i);
  await expectConfirmed(page, 'quality', 80);
  await expect(page.getByTestId('config-quality')).toHaveValue('80');

  expect(await simcam.control('reject-writes off')).toMatch(/^ok/);
  await setSlider(page, 'quality', 20);
  await expectConfirmed(page, 'quality', 20);
});

test('keyboard only: tab to the quality slider and change it with arrow keys', async ({
  appPage: page,
  simcam,
}) => {
  await connectTo(page, simcam.path);
  await setSlider(page, 'quality', 50);
  await expectConfirmed(page, 'quality', 50);
  await page.getByTestId('frame-canvas').click({ position: { x: 5, y: 5 } }); // park focus outside the panel

  // Tab through the page until the slider has focus: no pointer involved
  let found = false;
  for (let i = 0; i < 60 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await page.locator('[data-testid="config-quality"]:focus').count()) === 1;
  }
  expect(found).toBe(true);
  await expect(page.getByTestId('config-quality')).toHaveAccessibleName(/quality/i);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expectConfirmed(page, 'quality', 55);
  await page.keyboard.press('Home');
  await expectConfirmed(page, 'quality', 1);
});
