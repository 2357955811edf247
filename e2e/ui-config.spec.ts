import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { connectTo, expectConfirmed, frameInfo, setSlider } from './ui-helpers';

/** Sizes of the next `n` frames drawn with the camera's quality stamp `q` (other frames are skipped). */
async function sizesAt(page: Page, q: number, n: number, timeout = 30_000): Promise<number[]> {
  const sizes: number[] = [];
  let last = -1;
  await expect
    .poll(
      async () => {
        const f = await frameInfo(page);
        if (f.seq !== last && f.quality === q) sizes.push(f.bytes);
        last = f.seq;
        return sizes.length;
      },
      { timeout, intervals: [50] },
    )
    .toBeGreaterThanOrEqual(n);
  return sizes.slice(0, n);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Behaviour, not rates: after the camera confirms a quality, frames stamped with it arrive (within a generous
// deadline, whatever the machine's load) and they are smaller (or larger) than before.
test('quality 90 → 10: frames stamped q=10 arrive and are smaller, and back', async ({
  appPage: page,
  simcam,
}, testInfo) => {
  await connectTo(page, simcam.path);
  await setSlider(page, 'quality', 90);
  await expectConfirmed(page, 'quality', 90, 15_000);
  const high = median(await sizesAt(page, 90, 5));

  await setSlider(page, 'quality', 10);
  await expectConfirmed(page, 'quality', 10, 15_000);
  const t0 = Date.now();
  const low = median(await sizesAt(page, 10, 5, 15_000));
  const note = `q90 ${high} B → q10 ${low} B; five q10 frames drawn ${Date.now() - t0} ms after the readback`;
  testInfo.annotations.push({ type: 'measured', description: note });
  console.log(`quality: ${note}`);
  expect(low).toBeLessThan(high * 0.6);

  await setSlider(page, 'quality', 90);
  await expectConfirmed(page, 'quality', 90, 15_000);
  expect(median(await sizesAt(page, 90, 3, 15_000))).toBeGreaterThan(low * 1.5);
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
