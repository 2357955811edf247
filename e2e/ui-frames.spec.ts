import { test, expect } from './fixtures';
import { canvasFingerprint, connectTo, frameInfo, waitForFrames } from './ui-helpers';

test('connect via the UI to the sim cam pty and see frames arrive', async ({ appPage: page, simcam }) => {
  await expect(page.getByTestId('status-bar')).toBeVisible();
  await connectTo(page, simcam.path);

  // canvas pixels change over time (the demo scene moves)
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        seen.add(await canvasFingerprint(page));
        return seen.size;
      },
      { timeout: 10_000, intervals: [150] },
    )
    .toBeGreaterThanOrEqual(3);

  const info = await frameInfo(page);
  expect(info.bytes).toBeGreaterThan(1000);
  await expect(page.getByTestId('frame-size')).toHaveAttribute('data-value', /^\d+x\d+$/);
  await expect
    .poll(async () => Number(await page.getByTestId('camera-fps').getAttribute('data-value')))
    .toBeGreaterThan(5);
  await expect
    .poll(async () => Number(await page.getByTestId('display-fps').getAttribute('data-value')))
    .toBeGreaterThan(5);

  // channel list with decoded flags and the device in the status bar
  const channels = page.getByTestId('channel-list');
  await expect(channels.locator('tr[data-channel="config"]')).toContainText('WRITE');
  await expect(page.getByTestId('carrier')).toContainText(/WebSocket|Electron/);
  // the camera's stdout reaches the console
  await expect(page.getByTestId('console')).toContainText('simcam');

  // zoom controls: 1:1 then fit, frames keep coming
  await page.getByTestId('zoom-1to1').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('100 %');
  await page.getByTestId('zoom-fit').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('Fit');
  await waitForFrames(page, 5);
});

test('disconnect stops the stream and the state says so', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'disconnected');
  await expect(page.getByTestId('connection-state')).toHaveText('Disconnected');
  const before = (await frameInfo(page)).seq;
  await page.waitForTimeout(500);
  expect((await frameInfo(page)).seq).toBe(before);
});

test('a target that does not exist fails with a clear error, and the UI stays usable', async ({
  appPage: page,
  simcam,
}) => {
  await page.getByTestId('port-input').fill('/dev/camdeck-no-such-port');
  await page.getByTestId('connect').click();
  const toast = page.getByTestId('toast').filter({ hasText: '/dev/camdeck-no-such-port' });
  await expect(toast).toBeVisible({ timeout: 20_000 });
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'disconnected');
  await expect(page.getByTestId('disconnect')).toBeDisabled();
  await page.getByTestId('port-input').fill('');
  await connectTo(page, simcam.path);
});

test('pause stops the stream, resume brings frames back', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  const toggle = page.getByTestId('stream-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(300); // frames already in flight may still land
  const paused = (await frameInfo(page)).seq;
  await page.waitForTimeout(800);
  expect((await frameInfo(page)).seq).toBe(paused);
  await page.locator('body').press('p'); // the shortcut resumes
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await waitForFrames(page, 5);
});
