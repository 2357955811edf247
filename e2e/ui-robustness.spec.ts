import { test, expect } from './fixtures';
import { connectTo, frameInfo, waitForFrames } from './ui-helpers';

test('cable pulled → Reconnecting → frames resume', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  const state = page.getByTestId('connection-state');

  expect(await simcam.control('unplug 1500')).toMatch(/^ok/);
  await expect(state).toHaveAttribute('data-state', 'reconnecting', { timeout: 20_000 });
  await expect(state).toHaveText('Reconnecting…');
  // the last frame stays, dimmed, under a notice that says what is happening
  await expect(page.getByTestId('frame-notice')).toContainText('Camera disconnected — reconnecting…');
  await expect(page.locator('.frame-canvas-wrap')).toHaveClass(/is-stale/);
  await expect(state).toHaveAttribute('data-state', 'connected', { timeout: 40_000 });
  await expect(page.getByTestId('frame-notice')).toHaveCount(0);
  const before = (await frameInfo(page)).seq;
  await waitForFrames(page, 5, 30_000);
  expect((await frameInfo(page)).seq).toBeGreaterThan(before);
});

test('invalid JSON from the camera gives a clear error and the UI stays alive', async ({
  appPage: page,
  simcam,
}) => {
  await connectTo(page, simcam.path);
  const quality = await page.getByTestId('config-quality-value').textContent();

  expect(await simcam.control('invalid-json on')).toMatch(/^ok/);
  await page.getByRole('button', { name: 'Reload' }).click();
  const toast = page.getByTestId('toast').filter({ hasText: /json/i });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute('role', 'alert');
  // the confirmed values stay on screen, frames keep coming, controls still work
  await expect(page.getByTestId('config-quality-value')).toHaveText(quality ?? '');
  await waitForFrames(page, 5);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', /connected|resyncing/);

  expect(await simcam.control('invalid-json off')).toMatch(/^ok/);
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('config-quality-value')).toHaveText(quality ?? '');
});
