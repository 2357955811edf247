// The carrier itself, end to end: the built UI is served with its security headers, the contract round-trips
// over the WebSocket, frames arrive as binary messages, and the link survives a pulled cable — with the real
// `camdeck serve` process, Chromium and the simulated camera on a pty.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, GroupProcess, ROOT } from './fixtures';
import { Probe } from './carrier-probe';

test.describe('browser-host carrier', () => {
  test('the page loads and the status bar renders', async ({ barePage, bareApp }) => {
    const cspViolations: string[] = [];
    barePage.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await barePage.reload();
    const status = barePage.getByTestId('status-bar');
    await expect(status).toBeVisible();
    await expect(barePage.getByTestId('connection-state')).toHaveAttribute(
      'data-state',
      /^(disconnected|connecting|connected|resyncing|reconnecting)$/,
    );
    await expect(barePage.getByTestId('carrier')).toContainText(bareApp.electron ? 'Electron' : 'WebSocket');
    expect(cspViolations).toEqual([]);
  });

  test('HTTP: strict CSP on the page, no path traversal', async ({ barePage, bareApp }) => {
    test.skip(!!bareApp.electron, 'HTTP server checks apply to browser-host mode only');
    const res = await barePage.request.get(bareApp.url);
    expect(res.status()).toBe(200);
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' blob:");
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    for (const p of ['..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json', '.git/config']) {
      // the URL parser may fold the dots first (→ 404 inside the root); either way nothing outside is served
      const r = await barePage.request.get(new URL(p, bareApp.url).toString());
      expect([400, 404], p).toContain(r.status());
      expect(await r.text()).not.toContain('"name": "camdeck"');
    }
  });

  test('demo camera: the contract round-trips and frames arrive over the WebSocket', async ({
    barePage,
    bareApp,
  }) => {
    test.skip(!!bareApp.electron, 'the probe speaks the WebSocket carrier');
    const probe = await Probe.install(barePage);
    const ports = await probe.request('listPorts');
    expect(ports).toMatchObject({
      ok: true,
      result: expect.arrayContaining([expect.objectContaining({ target: 'demo' })]),
    });
    const demo = await probe.open('demo');
    expect(demo.reply).toMatchObject({ ok: true, result: { device: { board: expect.any(String) } } });

    await expect.poll(async () => (await probe.frames()).length, { timeout: 30_000 }).toBeGreaterThan(10);
    const frames = await probe.frames();
    for (const f of frames) expect(f.soi).toEqual([0xff, 0xd8]);
    const seqs = frames.map((f) => f.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // in order, newest wins (gaps allowed)
    expect(frames.at(-1)).toMatchObject({ width: 640, height: 480 });

    // malformed input gets an error event, the connection stays
    await probe.sendRaw('{oops');
    await expect.poll(async () => (await probe.events('error')).length).toBeGreaterThan(0);
    expect(await probe.request('noSuchMethod')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await probe.request('getState', demo.id)).toMatchObject({
      ok: true,
      result: { kind: 'connected' },
    });
  });
});

test.describe('sim cam on a pty', () => {
  test('connect through the contract; frames and config readback arrive', async ({
    appPage,
    app,
    simcam,
  }) => {
    test.skip(!!app.electron, 'the probe speaks the WebSocket carrier');
    const probe = await Probe.install(appPage);
    const ports = await probe.request('listPorts');
    expect(ports).toMatchObject({
      ok: true,
      result: expect.arrayContaining([expect.objectContaining({ target: simcam.path })]),
    });
    const { reply, id } = await probe.open(simcam.path);
    expect(reply).toMatchObject({ ok: true, result: { target: simcam.path } });
    await expect.poll(async () => (await probe.frames()).length, { timeout: 30_000 }).toBeGreaterThan(5);

    const cfg = await probe.request('readConfig', id);
    expect(cfg).toMatchObject({
      ok: true,
      result: { channel: 'config', values: { quality: expect.any(Number) } },
    });
    const w = await probe.request('writeConfig', id, { quality: 20 });
    expect(w).toMatchObject({ ok: true, result: { values: { quality: 20 } } });
    // the JPEG COM stamp of later frames carries the new quality
    await expect.poll(async () => (await probe.frames()).at(-1)?.quality, { timeout: 20_000 }).toBe(20);
  });

  test('a rejected write fails with config-rejected and leaves the camera value alone', async ({
    appPage,
    app,
    simcam,
  }) => {
    test.skip(!!app.electron, 'the probe speaks the WebSocket carrier');
    const probe = await Probe.install(appPage);
    const { reply, id } = await probe.open(simcam.path);
    expect(reply).toMatchObject({ ok: true });
    const before = await probe.request('readConfig', id);
    expect(before.ok).toBe(true);
    expect(await simcam.control('reject-writes on')).toMatch(/^ok/);
    expect(await probe.request('writeConfig', id, { quality: 11 })).toMatchObject({
      ok: false,
      error: { code: 'config-rejected' },
    });
    const after = await probe.request('readConfig', id);
    expect(after.ok && after.result).toEqual(before.ok && before.result);
    expect(await simcam.control('reject-writes off')).toMatch(/^ok/);
  });

  test('cable pulled: reconnecting, then frames resume', async ({ appPage, app, simcam }) => {
    test.skip(!!app.electron, 'the probe speaks the WebSocket carrier');
    const probe = await Probe.install(appPage);
    const { reply, id } = await probe.open(simcam.path);
    expect(reply).toMatchObject({ ok: true });
    await expect.poll(async () => (await probe.frames()).length, { timeout: 30_000 }).toBeGreaterThan(5);
    const states = async () => (await probe.events('state')).filter((e) => e.camera === id);

    expect(await simcam.control('unplug 1500')).toMatch(/^ok/);
    // behaviour with generous deadlines (a loaded machine is slow, not wrong): it notices, comes back, and
    // frames flow again
    await expect
      .poll(
        async () => (await states()).some((e) => (e.payload as { kind: string }).kind === 'reconnecting'),
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await states()).at(-1)?.payload, { timeout: 40_000 })
      .toMatchObject({ kind: 'connected' });
    const seenAtReconnect = Math.max(0, ...(await probe.frames()).map((f) => f.seq));
    await expect
      .poll(async () => (await probe.frames()).filter((f) => f.seq > seenAtReconnect).length, {
        timeout: 30_000,
      })
      .toBeGreaterThan(2);
  });
});

test.describe('the access token', () => {
  test('loopback too: the printed URL carries it; without it the WebSocket is refused', async ({
    barePage,
    bareApp,
  }) => {
    test.skip(!!bareApp.electron, 'the token guards the browser-host server only');
    const printed = new URL(bareApp.url);
    expect(printed.hostname).toBe('127.0.0.1');
    const token = printed.searchParams.get('token');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const opens = (url: string) =>
      barePage.evaluate(
        (u) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(u);
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onerror = () => resolve('refused');
          }),
        url,
      );
    const ws = `ws://${printed.host}/ws`;
    expect(await opens(ws)).toBe('refused');
    expect(await opens(`${ws}?token=${'0'.repeat(32)}`)).toBe('refused');
    expect(await opens(`${ws}?token=${token}`)).toBe('open');
  });
});

test.describe('beyond loopback', () => {
  test('binding 0.0.0.0 requires the printed token; the page passes it on to the WebSocket', async ({
    page,
    carrier,
  }) => {
    test.skip(carrier === 'electron', 'the token guards the browser-host server only');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'camdeck-e2e-token-'));
    const proc = new GroupProcess(
      process.execPath,
      [path.join(ROOT, 'bin', 'camdeck.js'), 'serve', '--host', '0.0.0.0', '--port', '0', '--demo'],
      {
        CAMDECK_DATA_DIR: dataDir,
      },
    );
    try {
      const m = await proc.waitFor(/^camdeck: serving (http:\/\/\S+)/, 20_000, 'serve ready line');
      const printed = new URL(m[1]!);
      const token = printed.searchParams.get('token');
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      const base = `http://127.0.0.1:${printed.port}/`;

      // with the token: the UI's own connection works (the demo camera connects and reports it)
      await page.goto(`${base}?token=${token}`);
      await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', {
        timeout: 15_000,
      });
      const withToken = await Probe.install(page);
      const listed = await withToken.request('listCameras');
      const id = listed.ok ? (listed.result as Array<{ id: string }>)[0]?.id : undefined;
      expect(await withToken.request('getState', id)).toMatchObject({
        ok: true,
        result: { kind: 'connected' },
      });

      // without it: the WebSocket upgrade is refused
      await page.goto(base);
      const refused = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        `ws://127.0.0.1:${printed.port}/ws`,
      );
      expect(refused).toBe('refused');
    } finally {
      await proc.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
