import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { canvasFingerprint, connectTo, frameInfo, waitForFrames } from './ui-helpers';

/** Frames stopped: (frames already on the wire may still land) the drawn seq settles and stays for 1 s. */
async function expectFramesStop(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const a = (await frameInfo(page)).seq;
        await page.waitForTimeout(1000);
        return (await frameInfo(page)).seq - a;
      },
      { timeout: 20_000, intervals: [0] },
    )
    .toBe(0);
}

test('connect via the UI to the sim cam pty and see frames arrive', async ({ appPage: page, simcam }) => {
  await expect(page.getByTestId('status-bar')).toBeVisible();
  // the demo camera is offered once (the service lists it; the page adds it only before the list arrives)
  await expect(page.getByTestId('port-select').locator('option[value="demo"]')).toHaveCount(1);
  // the camera prints at script start; the worker's camera did long ago, so restart its script (soft reboot)
  expect(await simcam.control('reboot')).toMatch(/^ok/);
  await connectTo(page, simcam.path);
  // while connected, Connect says so and cannot be pressed again
  await expect(page.getByTestId('connect')).toHaveText('Connected');
  await expect(page.getByTestId('connect')).toBeDisabled();
  await expect(page.getByTestId('frame-notice')).toHaveCount(0);

  // canvas pixels change over time (the demo scene moves): frames keep coming, whatever the rate
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        seen.add(await canvasFingerprint(page));
        return seen.size;
      },
      { timeout: 20_000, intervals: [150] },
    )
    .toBeGreaterThanOrEqual(3);
  await waitForFrames(page, 5, 20_000);

  const info = await frameInfo(page);
  expect(info.bytes).toBeGreaterThan(1000);
  await expect(page.getByTestId('frame-size')).toHaveAttribute('data-value', /^\d+x\d+$/);
  // the camera's rate is measured (on its clock) and the overlay shows the stats panel's very figure
  await expect
    .poll(async () => Number((await page.getByTestId('camera-fps').getAttribute('data-value')) || 0), {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('camera-fps')).toHaveAttribute('data-clock', 'camera');
  const agree = async () =>
    page.evaluate(`(() => {
      const cam = document.querySelector('[data-testid="camera-fps"]').textContent;
      const kbps = document.querySelector('[data-testid="frame-kbps"]').textContent;
      const rate = document.querySelector('[data-stat="Frame rate"]').textContent;
      const data = document.querySelector('[data-stat="Frame data"]').textContent;
      return rate === cam + ' fps' && data === kbps;
    })()`);
  await expect.poll(agree, { timeout: 10_000 }).toBe(true);

  // channel list with decoded flags, the temperature decoded, and the device in the status bar
  const channels = page.getByTestId('channel-list');
  await expect(channels.locator('tr[data-channel="config"]')).toContainText('WRITE');
  await expect(page.getByTestId('temp-value')).toHaveText(/^-?\d+\.\d °C$/, { timeout: 15_000 });
  await expect(page.getByTestId('carrier')).toContainText(/WebSocket|Electron/);
  // the camera's stdout reaches the console
  await expect(page.getByTestId('console')).toContainText('simcam');

  // zoom controls: 1:1 then fit, frames keep coming
  await page.getByTestId('zoom-1to1').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('100 %');
  await page.getByTestId('zoom-fit').click();
  await expect(page.getByTestId('zoom-level')).toHaveText('Fit');
  await waitForFrames(page, 5, 20_000);
});

test('Close camera stops the stream, dims the last frame and says who closed it', async ({
  appPage: page,
  simcam,
}) => {
  await connectTo(page, simcam.path);
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'disconnected');
  // Ctrl+D is Close camera (for every page): the tile says who closed it and offers Reopen
  await expect(page.getByTestId('connection-state')).toHaveText('Closed');
  await expect(page.getByTestId('frame-notice')).toContainText(/^Closed by /);
  await expect(page.getByTestId('tile-retry')).toHaveText('Reopen');
  await expect(page.locator('.frame-canvas-wrap')).toHaveClass(/is-stale/);
  await expect(page.getByTestId('connect')).toHaveText('Connect');
  await expect(page.getByTestId('connect')).toBeEnabled();
  await expectFramesStop(page);
  // nothing is coming: the camera rate says 0, not the last figure
  await expect(page.getByTestId('camera-fps')).toHaveAttribute('data-value', '0');
  // to the grid and back: the focus view shows the last frame again (from its bytes: no frame comes now)
  const before = await canvasFingerprint(page);
  await page.getByTestId('to-grid').click();
  await page.getByTestId('tile-focus').click();
  await expect(page.getByTestId('frame-canvas')).toBeVisible();
  await expect.poll(() => canvasFingerprint(page), { timeout: 10_000 }).toBe(before);
  expect(before).toBeGreaterThan(0);
});

test('a target that does not exist fails with a sentence and a hint, and the UI stays usable', async ({
  appPage: page,
  simcam,
}) => {
  await page.getByTestId('port-input').fill('/dev/camdeck-no-such-port');
  await page.getByTestId('connect').click();
  const toast = page.getByTestId('toast').filter({ hasText: '/dev/camdeck-no-such-port' });
  await expect(toast).toBeVisible({ timeout: 20_000 });
  await expect(toast).toHaveAttribute('role', 'alert');
  // a sentence and what to do; the machine code stays out of the text
  await expect(toast.locator('.toast-message')).toHaveText(/^[A-Z].*[.!?…)]$/);
  await expect(toast.locator('.toast-hint')).toHaveText(/\w+.*[.!?…)]$/);
  const code = (await toast.getAttribute('data-code')) ?? '';
  expect(code).not.toBe('');
  await expect(toast).not.toContainText(code);
  await expect(toast).not.toContainText(/\bE[A-Z]{3,}\b/); // no raw errno
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
  await expectFramesStop(page);
  await page.locator('body').press('p'); // the shortcut resumes
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await waitForFrames(page, 5, 20_000);
});
