// Small windows: every control fits (nothing clipped or pushed off screen), the image is not covered, the
// console does not eat the height, and the stats line can be hidden. Screenshots of each size and theme are
// attached to the test (test-results/) for a person to look at.
import { writeFileSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';
import { connectTo, waitForFrames } from './ui-helpers';

/** In-page check (a string: the e2e tsconfig has no DOM lib). Returns one line per problem. */
const LAYOUT_PROBLEMS = `(() => {
  const problems = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  const de = document.documentElement;
  if (de.scrollWidth > vw || de.scrollHeight > vh) problems.push('page scrolls: ' + de.scrollWidth + 'x' + de.scrollHeight);
  const name = (el) => (el.dataset.testid || el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40);
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowY;
      if ((o === 'auto' || o === 'scroll') && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  for (const el of document.querySelectorAll('button, select, input, summary')) {
    if (el.closest('[hidden]') || el.closest('.visually-hidden') || el.offsetParent === null) continue;
    // in a scrolling panel, "fits" means: reachable there, and whole once scrolled to
    if (scroller(el)) el.scrollIntoView({ block: 'nearest' });
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
      problems.push(name(el) + ': outside the window ' + JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round)));
    if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1)
      problems.push(name(el) + ': label clipped (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    // (a toast floats over whatever is there until dismissed; that is not a layout fault)
    if (hit && hit !== el && !el.contains(hit) && !hit.closest('.toasts') && !(el.tagName === 'SELECT' && hit.closest('select') === el))
      problems.push(name(el) + ': covered by ' + (hit.className || hit.tagName));
  }
  return problems;
})()`;

/** The image's four corners (where the camera draws its frame cells) are the canvas itself, nothing on top. */
const IMAGE_CORNERS_COVERED = `(() => {
  const c = document.querySelector('[data-testid="frame-canvas"]');
  const r = c.getBoundingClientRect();
  // the drawn image in fit mode: centred, aspect kept (the demo camera sends 640×480)
  const s = Math.min(r.width / 640, r.height / 480);
  const w = 640 * s, h = 480 * s;
  const x0 = r.left + (r.width - w) / 2, y0 = r.top + (r.height - h) / 2;
  const pts = [[x0 + 2, y0 + 2], [x0 + w - 3, y0 + 2], [x0 + 2, y0 + h - 3], [x0 + w - 3, y0 + h - 3]];
  return pts.filter(([x, y]) => document.elementFromPoint(x, y) !== c).map(([x, y]) => {
    const e = document.elementFromPoint(x, y);
    return Math.round(x) + ',' + Math.round(y) + ': ' + (e ? e.className || e.tagName : 'nothing');
  });
})()`;

async function shoot(page: Page, testInfo: TestInfo, file: string): Promise<void> {
  const out = testInfo.outputPath(file);
  writeFileSync(out, await page.screenshot());
  await testInfo.attach(file, { path: out, contentType: 'image/png' });
}

async function setTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme)
    await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

test('800×600, 1024×600, 1280×800: nothing clipped, the image uncovered, the stats line can be hidden', async ({
  appPage: page,
  simcam,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await connectTo(page, simcam.path);

  for (const [width, height] of [
    [800, 600],
    [1024, 600],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    await waitForFrames(page, 2);
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      expect(await page.evaluate(LAYOUT_PROBLEMS), `${width}×${height} ${theme}`).toEqual([]);
      expect(await page.evaluate(IMAGE_CORNERS_COVERED), `${width}×${height} ${theme}`).toEqual([]);
      await shoot(page, testInfo, `layout-${width}x${height}-${theme}.png`);
    }
    // the console with one line of output stays a small part of the window
    const consoleBox = await page.locator('.console-dock').boundingBox();
    expect(consoleBox!.height, `console at ${width}×${height}`).toBeLessThanOrEqual(height * 0.3);
  }

  // the stats line: off with its toggle, still off after a reload (persisted)
  await page.setViewportSize({ width: 1024, height: 600 });
  await expect(page.getByTestId('frame-stats')).toBeVisible();
  await page.getByTestId('stats-toggle').click();
  await expect(page.getByTestId('frame-stats')).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('frame-stats')).toBeHidden();
  await expect(page.getByTestId('stats-toggle')).toHaveAttribute('aria-pressed', 'false');
  await page.locator('body').press('i'); // and its shortcut brings it back
  await expect(page.getByTestId('frame-stats')).toBeVisible();

  // disconnected at 800×600: the last frame dimmed under a legible notice, still nothing clipped
  await page.setViewportSize({ width: 800, height: 600 });
  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('frame-notice')).toBeVisible();
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    expect(await page.evaluate(LAYOUT_PROBLEMS), `disconnected ${theme}`).toEqual([]);
    await shoot(page, testInfo, `layout-800x600-disconnected-${theme}.png`);
  }

  // an error toast at 800×600: what failed, why, what to do; it fits too
  await page.getByTestId('port-input').fill('/dev/camdeck-no-such-port');
  await page.getByTestId('connect').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'camdeck-no-such-port' })).toBeVisible({
    timeout: 30_000,
  });
  expect(await page.evaluate(LAYOUT_PROBLEMS), 'with a toast').toEqual([]);
  await shoot(page, testInfo, 'layout-800x600-error-light.png');
});
