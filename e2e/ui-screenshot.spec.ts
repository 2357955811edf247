import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, ROOT } from './fixtures';
import { connectTo, expectConfirmed, setSlider, waitForFrames } from './ui-helpers';

test('screenshot of the main window (test artifact and README image)', async ({
  appPage: page,
  simcam,
}, testInfo) => {
  await connectTo(page, simcam.path);
  // the camera's start-up line in the console, once, as on a fresh camera: clear, restart its script
  await waitForFrames(page, 3); // (what it printed before arrives with the connection)
  const clear = page.getByTestId('console').getByRole('button', { name: 'Clear' });
  if (await clear.count()) await clear.click();
  expect(await simcam.control('reboot')).toMatch(/^ok/);
  await expect(page.getByTestId('console')).toContainText('simcam', { timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  // the worker's camera keeps what earlier tests set: show it at its default quality
  await setSlider(page, 'quality', 85);
  await expectConfirmed(page, 'quality', 85);
  await waitForFrames(page, 10);
  await expect(page.getByTestId('config-panel')).toContainText(/quality/i);
  await page.mouse.move(300, 250); // a pixel value under the cursor in the toolbar
  await waitForFrames(page, 2);

  const shots: Array<[string, string]> = [['dark', 'main.png']];
  shots.push(['light', 'main-light.png']);
  for (const [theme, file] of shots) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme)
      await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await waitForFrames(page, 3);
    const png = await page.screenshot();
    const out = testInfo.outputPath(file);
    writeFileSync(out, png);
    await testInfo.attach(file, { path: out, contentType: 'image/png' });
    // The README shows the browser-host build (the Electron window looks the same). Refreshed when missing or
    // when CAMDECK_UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the working tree clean.
    const docFile = path.join(ROOT, 'docs', 'screenshots', file);
    if (
      testInfo.project.name === 'chromium' &&
      (!existsSync(docFile) || process.env['CAMDECK_UPDATE_SCREENSHOTS'] === '1')
    ) {
      mkdirSync(path.dirname(docFile), { recursive: true });
      writeFileSync(docFile, png);
    }
    expect(png.length).toBeGreaterThan(10_000);
  }
});
