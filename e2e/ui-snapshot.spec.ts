import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { connectTo } from './ui-helpers';

test('snapshot buttons save the JPEG as received and a PNG', async ({
  appPage: page,
  simcam,
  app,
}, testInfo) => {
  await connectTo(page, simcam.path);
  const browserMode = testInfo.project.name === 'chromium';

  for (const [button, ext, magic] of [
    ['snapshot-jpeg', 'jpg', [0xff, 0xd8, 0xff]],
    ['snapshot-png', 'png', [0x89, 0x50, 0x4e, 0x47]],
  ] as const) {
    const download = browserMode ? page.waitForEvent('download') : null;
    await page.getByTestId(button).click();
    const saved = page
      .getByTestId('toast')
      .filter({ hasText: `Saved ${ext === 'jpg' ? 'JPEG' : 'PNG'} snapshot` });
    await expect(saved).toBeVisible();
    // saved by the service on the camera's machine…
    const text = (await saved.textContent()) ?? '';
    const file = readdirSync(app.snapshotsDir).find((f) => text.includes(f));
    expect(file, `a file named in "${text}" in ${app.snapshotsDir}`).toBeTruthy();
    expect([...readFileSync(path.join(app.snapshotsDir, file!)).subarray(0, magic.length)]).toEqual([
      ...magic,
    ]);
    // …and, in a browser, downloaded here as well
    if (download) {
      const d = await download;
      // the download and the service's copy have one name
      expect(d.suggestedFilename()).toBe(file);
      const bytes = readFileSync(await d.path());
      expect([...bytes.subarray(0, magic.length)]).toEqual([...magic]);
      // the JPEG is the very frame on screen, byte for byte, in both copies
      if (ext === 'jpg') expect(bytes.equals(readFileSync(path.join(app.snapshotsDir, file!)))).toBe(true);
    }
  }
});

test('theme, zoom and panel layout persist across a reload', async ({ appPage: page, simcam }) => {
  await connectTo(page, simcam.path);
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', after);
  await page.getByTestId('zoom-1to1').click();
  await page.locator('summary', { hasText: 'Channels' }).click(); // collapse a panel
  await expect(page.getByTestId('channel-list')).toHaveCount(0);

  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after);
  await expect(page.getByTestId('zoom-level')).toHaveText('100 %');
  await expect(page.getByTestId('channel-list')).toHaveCount(0);
  await expect(page.getByTestId('port-select')).toHaveValue(simcam.path);
  // keyboard shortcuts: F fits, ? opens the help
  await page.locator('body').press('f');
  await expect(page.getByTestId('zoom-level')).toHaveText('Fit');
  await page.locator('body').press('?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
});
