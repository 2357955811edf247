// Many cameras in one window: four simulated cameras from one `camdeck simcam --count 4` on ptys, all opened at
// start (`camdeck serve --camera …` four times, or the desktop app with the same arguments). Each tile shows its
// own camera; a quality change touches one camera; an unplug or a replug on another path is that tile's business
// only; two pages watch one camera independently. The tests run in order on one rig (serial): the replug test
// moves camera 4 to a new path, and later tests find it by its id, as the UI does.
import { _electron } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { cameraIdOf } from '../src/model';
import { GroupProcess, ROOT, electronBinary, expect, serviceRequests, test } from './fixtures';
import { expectConfirmed, setSlider } from './ui-helpers';

const CLI = path.join(ROOT, 'bin', 'camdeck.js');
const COUNT = 4;

interface Camera {
  /** 1-based, as `@k` addresses it. */
  k: number;
  path: string;
  serial: string;
  id: string;
}

interface Rig {
  dir: string;
  cams: Camera[];
  simcam: GroupProcess;
  control(k: number, cmd: string): Promise<string>;
  /** Browser mode: the server's page URL. */
  url?: string;
  serve?: GroupProcess;
  electron?: ElectronApplication;
  page: Page;
}

// generous: five processes and two pages share two cores with whatever else runs; the tests assert behaviour
test.describe.configure({ mode: 'serial', timeout: 240_000 });

let rig: Rig | null = null;

const READY = /^simcam: ready pty (\S+) serial=(\S+) board="([^"]+)"$/gm;

async function startRig(carrier: 'browser' | 'electron', newPage: () => Promise<Page>): Promise<Rig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-e2e-multi-'));
  // 10 fps QVGA: four cameras encode every frame whether or not a test looks; the tests assert behaviour
  const simcam = new GroupProcess(process.execPath, [
    CLI,
    'simcam',
    '--count',
    String(COUNT),
    '--pty-dir',
    dir,
    '--fps',
    '10',
    '--size',
    '320x240',
  ]);
  await expect
    .poll(() => [...simcam.output().matchAll(READY)].length, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(COUNT);
  const cams = [...simcam.output().matchAll(READY)].slice(0, COUNT).map((m, i): Camera => ({
    k: i + 1,
    path: m[1]!,
    serial: m[2]!,
    id: cameraIdOf(m[2]!, m[1]!),
  }));
  let queue: Promise<unknown> = Promise.resolve();
  const control = (k: number, cmd: string): Promise<string> => {
    const run = async () => {
      const answer = simcam.waitFor(new RegExp(`^(ok|error) @${k}\\b.*`), 15_000, `camera ${k}: ${cmd}`);
      simcam.send(`@${k} ${cmd}`);
      return (await answer)[0];
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };
  const env = {
    CAMDECK_EXTRA_PORTS: path.join(dir, 'cam*'),
    CAMDECK_DATA_DIR: path.join(dir, 'data'),
    CAMDECK_SNAPSHOTS_DIR: path.join(dir, 'data', 'snapshots'),
  };
  const cameraArgs = cams.flatMap((c) => ['--camera', c.path]);
  if (carrier === 'electron') {
    const bin = electronBinary();
    if (!('path' in bin)) throw new Error(bin.reason);
    const electron = await _electron.launch({
      executablePath: bin.path,
      args: [ROOT, `--user-data-dir=${path.join(dir, 'user-data')}`, ...cameraArgs],
      env: { ...process.env, ...env },
      cwd: ROOT,
      timeout: 30_000,
    });
    return { dir, cams, simcam, control, electron, page: await electron.firstWindow() };
  }
  const serve = new GroupProcess(process.execPath, [CLI, 'serve', '--port', '0', ...cameraArgs], env);
  const url = (await serve.waitFor(/^camdeck: serving (http:\/\/\S+)/, 60_000, 'serve ready line'))[1]!;
  const page = await newPage();
  await page.goto(url);
  return { dir, cams, simcam, control, url, serve, page };
}

test.beforeAll(async ({ carrier, browser }) => {
  if (carrier === 'electron') {
    const bin = electronBinary();
    if ('reason' in bin) {
      const reason = `Electron mode skipped: ${bin.reason}`;
      console.log(`multicam: ${reason}`);
      test.skip(true, reason);
      return;
    }
  }
  test.setTimeout(180_000);
  rig = await startRig(carrier, async () => (await browser.newContext()).newPage());
});

test.afterAll(async () => {
  const r = rig;
  rig = null;
  if (!r) return;
  await r.electron?.close().catch(() => undefined);
  await r.page
    .context()
    .close()
    .catch(() => undefined);
  await r.serve?.kill();
  r.simcam.send('quit');
  await r.simcam.kill();
  rmSync(r.dir, { recursive: true, force: true });
});

function need(): Rig {
  if (!rig) throw new Error('the multicam rig did not start');
  return rig;
}

const tile = (page: Page, id: string) => page.locator(`[data-testid="tile"][data-tile="${id}"]`);

/** Frames the tile has drawn (its rates line counts them). */
async function drawn(page: Page, id: string): Promise<number> {
  const v = await tile(page, id).getByTestId('tile-rates').getAttribute('data-drawn');
  return Number(v ?? 0);
}

async function expectDrawing(page: Page, id: string, frames = 3, timeout = 30_000): Promise<void> {
  const start = await drawn(page, id);
  await expect.poll(async () => (await drawn(page, id)) - start, { timeout }).toBeGreaterThanOrEqual(frames);
}

const state = (page: Page, id: string) => tile(page, id).getByTestId('tile-state');

/** A Node-side watcher of every camera: the quality stamped in each camera's latest frame. */
async function qualityProbe(url: string, ids: string[]) {
  const ws = new WebSocket(url.replace(/^http/, 'ws').replace(/\/?(\?.*)?$/, '/ws$1'));
  const quality = new Map<string, number>();
  ws.on('message', (data, binary) => {
    if (!binary) return;
    const b = new Uint8Array(data as Buffer);
    const n = b[1]! | (b[2]! << 8);
    const meta = JSON.parse(Buffer.from(b.subarray(3, 3 + n)).toString()) as {
      camera: string;
      quality?: number;
    };
    if (meta.quality !== undefined) quality.set(meta.camera, meta.quality);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'request', id: 1, name: 'watch', args: [ids] }));
  return { quality, close: () => ws.close() };
}

test('each tile shows its own camera: four tiles, each drawing, each a different picture', async () => {
  const { page, cams } = need();
  await expect(page.getByTestId('tile')).toHaveCount(COUNT, { timeout: 60_000 });
  for (const c of cams) {
    await expect(state(page, c.id)).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
    await expect(tile(page, c.id)).toContainText(c.serial.slice(-4));
  }
  for (const c of cams) await expectDrawing(page, c.id);
  // the scenes differ (number, hue): the mean colour of each tile's canvas tells them apart. Read from a screenshot:
  // the tiles' canvases belong to the paint worker, so the page cannot read their pixels itself.
  const prints = await Promise.all(
    cams.map(async (c) => {
      const png = await tile(page, c.id).locator('canvas').screenshot();
      const { channels } = await sharp(png).stats();
      return channels
        .slice(0, 3)
        .map((ch) => Math.round(ch.mean / 8))
        .join(':');
    }),
  );
  expect(new Set(prints).size).toBe(COUNT);
});

test('a quality change on one camera changes only its frames', async ({ carrier }) => {
  test.skip(carrier === 'electron', 'the frame probe reads the browser-host WebSocket; Electron has none');
  const { page, cams, url } = need();
  const probe = await qualityProbe(
    url!,
    cams.map((c) => c.id),
  );
  try {
    await expect.poll(() => probe.quality.size, { timeout: 30_000 }).toBe(COUNT);
    const before = new Map(probe.quality);
    const target = cams[1]!;
    const next = before.get(target.id) === 40 ? 45 : 40;
    await tile(page, target.id).getByTestId('tile-focus').click();
    await setSlider(page, 'quality', next);
    await expectConfirmed(page, 'quality', next);
    await expect.poll(() => probe.quality.get(target.id), { timeout: 30_000 }).toBe(next);
    for (const c of cams) if (c !== target) expect(probe.quality.get(c.id)).toBe(before.get(c.id));
    // and back, for the tests after this one
    await setSlider(page, 'quality', before.get(target.id)!);
    await expectConfirmed(page, 'quality', before.get(target.id)!);
  } finally {
    probe.close();
    await page.getByTestId('to-grid').click();
  }
});

test('unplugging one camera shows only its tile reconnecting, then its frames resume', async () => {
  const { page, cams, control } = need();
  await expect(page.getByTestId('tile')).toHaveCount(COUNT);
  const c = cams[2]!;
  expect(await control(c.k, 'unplug 4000')).toMatch(/^ok @3/);
  await expect(state(page, c.id)).toHaveAttribute('data-state', 'reconnecting', { timeout: 30_000 });
  for (const o of cams)
    if (o !== c) await expect(state(page, o.id)).toHaveAttribute('data-state', 'connected');
  await expectDrawing(page, cams[0]!.id, 2);
  await expect(state(page, c.id)).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
  await expectDrawing(page, c.id);
});

test('a replug on a different path reattaches the same camera by its serial number', async () => {
  const { page, cams, control, dir } = need();
  const c = cams[3]!;
  const moved = path.join(dir, 'cam4-replugged');
  expect(await control(c.k, `move ${moved}`)).toMatch(/^ok @4 move/);
  if (rig?.url) {
    // the same camera id, now at the new path: found by its serial, not by the path it had
    const targetNow = async () => {
      const [list] = (await serviceRequests(rig!.url!, [['listCameras']])) as [
        Array<{ id: string; target: string }>,
      ];
      return list.find((x) => x.id === c.id)?.target;
    };
    await expect.poll(targetNow, { timeout: 90_000 }).toBe(moved);
  }
  await expect(state(page, c.id)).toHaveAttribute('data-state', 'connected', { timeout: 90_000 });
  await expectDrawing(page, c.id);
  await expect(page.getByTestId('tile')).toHaveCount(COUNT); // the same tile, not a new one
  // and the tile says where it is now
  await expect(tile(page, c.id).getByTitle(moved)).toBeVisible({ timeout: 30_000 });
  c.path = moved;
});

test('two pages on one camera: both draw it, and one page removing its tile leaves the other drawing', async ({
  carrier,
  browser,
}) => {
  test.skip(carrier === 'electron', 'the desktop app has one window; a second page is a browser tab');
  const { page, cams, url } = need();
  const second = await (await browser.newContext()).newPage();
  try {
    await second.goto(url!);
    const c = cams[0]!;
    await expect(second.getByTestId('tile')).toHaveCount(COUNT, { timeout: 60_000 });
    await expectDrawing(second, c.id);
    await expectDrawing(page, c.id);
    await tile(second, c.id).getByTestId('tile-detach-grid').click();
    await expect(tile(second, c.id)).toHaveCount(0);
    await expectDrawing(page, c.id);
    await expect(state(page, c.id)).toHaveAttribute('data-state', 'connected');

    // Close camera on one page closes it for both, and the other page says who closed it
    const d = cams[1]!;
    await tile(second, d.id).getByTestId('tile-close-camera').click();
    await expect(state(page, d.id)).toHaveAttribute('data-state', 'closed', { timeout: 30_000 });
    await expect(tile(page, d.id).getByTestId('frame-notice')).toContainText(/Closed by a browser page at/);
    await tile(page, d.id).getByTestId('tile-retry').click();
    await expect(state(page, d.id)).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
    await expectDrawing(page, d.id);
  } finally {
    await second.context().close();
  }
});
