// Electron mode: the desktop app itself through `_electron.launch` (main + preload + app:// page). Runs where the
// Electron binary exists (and a display); here it skips with the printed reason. Playwright needs the
// EnableNodeCliInspectArguments fuse on, so run these against a test build, not a fused release build.
import { test, expect, electronBinary } from './fixtures';

const bin = electronBinary();
const reason = 'reason' in bin ? `Electron binary unavailable: ${bin.reason}` : '';
if (reason) console.log(`e2e/electron.spec.ts skipped: ${reason}`);

test.describe('Electron carrier', () => {
  test.skip(!!reason, reason);

  test('window is isolated and sandboxed, served from app://', async ({ bareApp, barePage }) => {
    const electron = bareApp.electron!;
    const prefs = await electron.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]!.webContents;
      const p = (
        wc as unknown as { getLastWebPreferences(): Record<string, unknown> | null }
      ).getLastWebPreferences();
      return {
        url: wc.getURL(),
        contextIsolation: p?.contextIsolation,
        sandbox: p?.sandbox,
        nodeIntegration: p?.nodeIntegration,
      };
    });
    expect(prefs).toEqual({
      url: 'app://camdeck/index.html',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    // no Node in the page, no raw IPC, exactly the contract on window.camdeck
    const page = await barePage.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown> & { camdeck?: Record<string, unknown> };
      return {
        require: typeof g['require'],
        process: typeof g['process'],
        ipc: typeof g['ipcRenderer'],
        api: g.camdeck ? Object.keys(g.camdeck).sort() : null,
        carrier: g.camdeck?.['carrier'],
      };
    });
    expect(page).toEqual({
      require: 'undefined',
      process: 'undefined',
      ipc: 'undefined',
      api: ['carrier', 'credit', 'on', 'onFrame', 'request'],
      carrier: 'electron',
    });
    await expect(barePage.getByTestId('carrier')).toContainText('Electron');
  });

  test('new windows and navigation away are blocked', async ({ bareApp, barePage }) => {
    const opened = await barePage.evaluate(
      () => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/') === null,
    );
    expect(opened).toBe(true);
    await barePage.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await barePage.waitForTimeout(500);
    expect(barePage.url()).toBe('app://camdeck/index.html');
    expect(
      await bareApp.electron!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length),
    ).toBe(1);
  });

  test('the contract works over IPC and frames arrive on the MessagePort', async ({ barePage }) => {
    const result = await barePage.evaluate(async () => {
      type Api = {
        request(name: string, ...args: unknown[]): Promise<unknown>;
        onFrame(l: (meta: { seq: number; format: string }, image: Uint8Array) => void): () => void;
      };
      const api = (globalThis as unknown as { camdeck: Api }).camdeck;
      const ports = (await api.request('listPorts')) as Array<{ target: string }>;
      const { id } = (await api.request('openCamera', 'demo')) as { id: string };
      await api.request('watch', [id]);
      const frames: Array<{ seq: number; soi: number[] }> = [];
      const off = api.onFrame((meta, image) => frames.push({ seq: meta.seq, soi: [image[0]!, image[1]!] }));
      const deadline = Date.now() + 10_000;
      while (frames.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      off();
      let rejected = '';
      try {
        await api.request('saveSnapshot', id, 'gif');
      } catch (err) {
        rejected = (err as Error).message;
      }
      return { demo: ports.some((p) => p.target === 'demo'), frames, rejected };
    });
    expect(result.demo).toBe(true);
    expect(result.frames.length).toBeGreaterThanOrEqual(5);
    for (const f of result.frames) expect(f.soi).toEqual([0xff, 0xd8]);
    expect(result.rejected).toMatch(/saveSnapshot/);
  });
});
