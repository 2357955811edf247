import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { WebSocket } from 'ws';
import { decodeFrameMessage, decodeWsMessage, encodeText } from '../rpc';

import type { ServiceMessage as ServerMessage } from '../rpc';
import type { FrameMeta } from '../shared/contract';
import { startServer } from './server';
import type { RunningServer } from './server';
import type { ServerLimits } from './limits';
import { rawUpgrade, stalledClient } from './raw-ws.test-util';
import { FAKE_CAMERA, createFakeService } from '../service/fake-service.test-util';
import type { FakeService } from '../service/fake-service.test-util';

let root: string;
let staticDir: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'camdeck-srv-'));
  staticDir = path.join(root, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>camdeck</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(staticDir, '.env'), 'SECRET=1');
  writeFileSync(path.join(root, 'secret.txt'), 'top secret');
  // links inside the UI folder: one out of it (refused), one to its own file (served)
  symlinkSync(path.join(root, 'secret.txt'), path.join(staticDir, 'assets', 'leak.txt'));
  symlinkSync(root, path.join(staticDir, 'up'));
  symlinkSync(path.join(staticDir, 'assets', 'app-1.js'), path.join(staticDir, 'assets', 'alias.js'));
});

let server: RunningServer | null = null;
let service: FakeService;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
  server = null;
});

let dropped: string[] = [];
async function start(host = '127.0.0.1', limits: Partial<ServerLimits> = {}): Promise<RunningServer> {
  service = createFakeService();
  dropped = [];
  server = await startServer({
    service,
    staticDir,
    host,
    port: 0,
    limits,
    onClientDropped: (why) => dropped.push(why),
  });
  return server;
}

/** The WebSocket URL with the server's token. */
const wsUrl = (s: RunningServer) => `ws://127.0.0.1:${s.port}/ws?token=${s.token}`;

/** Raw GET so the path reaches the server un-normalised. */
function get(port: number, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A client that collects text messages and frames. */
async function connectWs(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  const texts: ServerMessage[] = [];
  const frames: Array<{ meta: FrameMeta; image: Uint8Array }> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const f = decodeFrameMessage(new Uint8Array(data as Buffer));
      if (f) frames.push(f);
    } else texts.push(decodeWsMessage(data.toString(), true) as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = async (pred: () => boolean) => {
    const deadline = Date.now() + 3000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a message');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  let nextId = 1;
  const request = async (name: string, ...args: unknown[]) => {
    const id = nextId++;
    ws.send(encodeText({ type: 'request', id, name: name as 'listPorts', args }));
    await until(() => texts.some((m) => m.type === 'reply' && m.id === id));
    return texts.find((m) => m.type === 'reply' && m.id === id)!;
  };
  return { ws, texts, frames, until, request };
}

describe('static files', () => {
  it('serves index.html at / with a strict CSP', async () => {
    const s = await start();
    const r = await get(s.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<title>camdeck</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' blob:");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their MIME types and HEAD without a body', async () => {
    const s = await start();
    expect((await get(s.port, '/assets/app-1.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await get(s.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(s.port, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/.env',
    '/%00',
  ])('rejects %s', async (p) => {
    const s = await start();
    const r = await get(s.port, p);
    expect(r.status).toBe(400);
    expect(r.body).not.toContain('secret');
  });

  it('never follows a symlink out of its root', async () => {
    const s = await start();
    for (const p of ['/assets/leak.txt', '/up/secret.txt']) {
      const r = await get(s.port, p);
      expect(r.status, p).toBe(403);
      expect(r.body).toMatch(/outside the UI folder/);
      expect(r.body).not.toContain('secret');
    }
    const inside = await get(s.port, '/assets/alias.js');
    expect(inside.status).toBe(200);
    expect(inside.body).toBe('console.log(1)');
  });

  it('404s a missing file and 405s a POST', async () => {
    const s = await start();
    expect((await get(s.port, '/nope.js')).status).toBe(404);
    expect((await get(s.port, '/', 'POST')).status).toBe(405);
  });
});

describe('websocket carrier', () => {
  it('replies to requests and forwards events and frames', async () => {
    const s = await start();
    expect(s.token).toMatch(/^[0-9a-f]{32}$/);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${s.token}`);
    const c = await connectWs(wsUrl(s));

    const ports = await c.request('listPorts');
    expect(ports).toMatchObject({ ok: true, result: [{ target: 'demo' }] });
    const conn = await c.request('openCamera', 'demo');
    expect(conn).toMatchObject({ ok: true, result: { id: FAKE_CAMERA, device: { board: 'Fake' } } });
    await c.request('watch', [FAKE_CAMERA]);
    const w = await c.request('writeConfig', FAKE_CAMERA, { quality: 10 });
    expect(w).toMatchObject({ ok: true, result: { values: { quality: 10 } } });
    // bytes travel as {$bytes} both ways
    const rd = await c.request('readChannel', FAKE_CAMERA, 'config');
    expect(rd.type === 'reply' && rd.ok && rd.result).toEqual(new Uint8Array([1, 2, 3, 255]));
    await c.request('writeChannel', FAKE_CAMERA, 'config', new Uint8Array([7, 8]));
    expect(service.calls.at(-1)).toEqual({
      name: 'writeChannel',
      args: [FAKE_CAMERA, 'config', new Uint8Array([7, 8])],
    });

    service.emit('stdout', 'hello\n');
    await c.until(() => c.texts.some((m) => m.type === 'event' && m.name === 'stdout'));
    expect(c.texts.find((m) => m.type === 'event' && m.name === 'stdout')).toMatchObject({
      camera: FAKE_CAMERA,
      payload: 'hello\n',
    });

    const meta: FrameMeta = {
      camera: FAKE_CAMERA,
      seq: 1,
      channel: 'stream',
      width: 2,
      height: 2,
      bytes: 3,
      format: 'jpeg',
      receivedAt: 5,
    };
    service.emitFrame(meta, new Uint8Array([0xff, 0xd8, 0xff]));
    await c.until(() => c.frames.length === 1);
    expect(c.frames[0]!.meta).toEqual(meta);
    expect(Array.from(c.frames[0]!.image)).toEqual([0xff, 0xd8, 0xff]);

    // closing the camera names this page on every page
    const other = await connectWs(wsUrl(s));
    expect(await c.request('closeCamera', FAKE_CAMERA)).toMatchObject({ ok: true, result: null });
    await other.until(() => other.texts.some((m) => m.type === 'event' && m.name === 'closed'));
    expect(other.texts.find((m) => m.type === 'event' && m.name === 'closed')).toMatchObject({
      camera: FAKE_CAMERA,
      payload: { reason: expect.stringMatching(/^closed by a browser page at (::ffff:)?127\.0\.0\.1$/) },
    });
  });

  it('answers an unknown method or bad arguments with an error reply', async () => {
    const s = await start();
    const c = await connectWs(wsUrl(s));
    expect(await c.request('formatDisk')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.request('openCamera', 42)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.request('writeConfig', FAKE_CAMERA, { q: Number.NaN })).toMatchObject({ ok: false });
    expect(await c.request('saveSnapshot', FAKE_CAMERA, 'gif')).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(service.calls.filter((x) => x.name === 'openCamera')).toHaveLength(0);
    // a service failure is classified (permission → port-permission), its hint sent apart for the UI
    const failed = await c.request('openCamera', 'fail');
    expect(failed).toMatchObject({ ok: false, error: { code: 'port-permission', hint: expect.any(String) } });
  });

  it('reports malformed messages as error events and keeps the connection', async () => {
    const s = await start();
    const c = await connectWs(wsUrl(s));
    c.ws.send('{not json');
    c.ws.send(JSON.stringify({ type: 'request', name: 'listPorts', args: [] })); // no id
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.until(() => c.texts.filter((m) => m.type === 'event' && m.name === 'error').length === 3);
    for (const m of c.texts)
      expect(m).toMatchObject({ type: 'event', name: 'error', payload: { code: 'bad-message' } });
    expect(await c.request('listCameras')).toMatchObject({ ok: true, result: [] });
  });

  it('unsubscribes from the service when a client leaves', async () => {
    const s = await start();
    const base = service.listenerCount();
    const c = await connectWs(wsUrl(s));
    expect(service.listenerCount()).toBeGreaterThan(base);
    c.ws.close();
    const deadline = Date.now() + 2000;
    while (service.listenerCount() > base && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(service.listenerCount()).toBe(base);
    expect(s.connections()).toBe(0);
  });

  it('refuses upgrades from a foreign origin and on other paths', async () => {
    const s = await start();
    await expect(connectWs(wsUrl(s), { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connectWs(`ws://127.0.0.1:${s.port}/other?token=${s.token}`)).rejects.toThrow(/404/);
    await connectWs(wsUrl(s), { Origin: `http://127.0.0.1:${s.port}` });
    // the scheme is part of the origin: this server speaks http
    await expect(connectWs(wsUrl(s), { Origin: `https://127.0.0.1:${s.port}` })).rejects.toThrow(/403/);
  });

  it('refuses a rebinding Host name in loopback mode', async () => {
    const s = await start();
    await expect(
      connectWs(wsUrl(s), {
        Host: `evil.example:${s.port}`,
        Origin: `http://evil.example:${s.port}`,
      }),
    ).rejects.toThrow(/403/);
    await connectWs(wsUrl(s), {
      Host: `localhost:${s.port}`,
      Origin: `http://localhost:${s.port}`,
    });
  });

  it('requires the printed token when bound beyond loopback', async () => {
    const s = await start('0.0.0.0');
    expect(s.token).toMatch(/^[0-9a-f]{32}$/);
    expect(s.url).toContain(`?token=${s.token}`);
    await expect(connectWs(`ws://127.0.0.1:${s.port}/ws`)).rejects.toThrow(/401/);
    await expect(connectWs(`ws://127.0.0.1:${s.port}/ws?token=${'0'.repeat(32)}`)).rejects.toThrow(/401/);
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws?token=${s.token}`);
    expect(await c.request('listCameras')).toMatchObject({ ok: true });
  });

  it('requires the token on loopback too, from the URL or the X-Camdeck-Token header', async () => {
    const s = await start();
    await expect(connectWs(`ws://127.0.0.1:${s.port}/ws`)).rejects.toThrow(/401/);
    await expect(connectWs(`ws://127.0.0.1:${s.port}/ws?token=${'0'.repeat(32)}`)).rejects.toThrow(/401/);
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`, { 'X-Camdeck-Token': s.token });
    expect(await c.request('listCameras')).toMatchObject({ ok: true });
  });

  it('says why in the refusal body, without the token', async () => {
    const s = await start();
    const r = await rawUpgrade(s.port, '/ws');
    expect(r).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(r).toMatch(/needs its access token; open the URL it printed/);
    expect(r).not.toContain(s.token);
  });

  it('takes a few wrong tokens per second per address, then answers 429 without comparing', async () => {
    // one a second here, so a loaded machine's slow round trips cannot refill it (the default, 3, is
    // AttemptLimiter's test)
    const s = await start('127.0.0.1', { tokenAttemptsPerSecond: 1 });
    const wrong = `ws://127.0.0.1:${s.port}/ws?token=${'f'.repeat(32)}`;
    await expect(connectWs(wrong)).rejects.toThrow(/401/);
    await expect(connectWs(wrong)).rejects.toThrow(/429/);
    await expect(connectWs(wsUrl(s))).rejects.toThrow(/429/); // not even compared
    expect(await rawUpgrade(s.port, `/ws?token=${s.token}`)).toMatch(/Retry-After: 1\r\n[^]*wait a second/);
    await new Promise((r) => setTimeout(r, 1100));
    const c = await connectWs(wsUrl(s));
    expect(await c.request('listCameras')).toMatchObject({ ok: true });
  });

  it('refuses connections beyond the cap with 503, and takes one again when another leaves', async () => {
    const s = await start('127.0.0.1', { maxConnections: 2 });
    const a = await connectWs(wsUrl(s));
    await connectWs(wsUrl(s));
    await expect(connectWs(wsUrl(s))).rejects.toThrow(/503/);
    expect(await rawUpgrade(s.port, `/ws?token=${s.token}`)).toMatch(
      /already has 2 connections; close another/,
    );
    a.ws.close();
    await until(() => s.connections() === 1);
    await connectWs(wsUrl(s));
  });

  it('closes a connection whose request is over 1 MiB, saying so in the close reason', async () => {
    const s = await start();
    const c = await connectWs(wsUrl(s));
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    c.ws.on('error', () => undefined);
    const patch = { quality: 1, pad: 'x'.repeat(1024 * 1024) };
    c.ws.send(encodeText({ type: 'request', id: 1, name: 'writeConfig', args: [patch] }));
    expect(await closed).toEqual({
      code: 1009,
      reason: 'A request over 1 MiB was refused; send a smaller config patch or channel write.',
    });
    expect(service.calls.filter((x) => x.name === 'writeConfig')).toHaveLength(0);
    // just under the limit is still a request
    const d = await connectWs(wsUrl(s));
    const big = await d.request('writeConfig', FAKE_CAMERA, { ['k'.repeat(900 * 1024)]: null });
    expect(big).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('caps what an error reply quotes (a refused 900 KiB patch is not echoed back)', async () => {
    const s = await start();
    const c = await connectWs(wsUrl(s));
    const key = 'k'.repeat(900 * 1024);
    const r = await c.request('writeConfig', FAKE_CAMERA, { [key]: null });
    expect(r.type === 'reply' && !r.ok && r.error.message).toMatch(
      /^writeConfig: value of "k+… \(\d+ more characters\)$/,
    );
    expect(JSON.stringify(r).length).toBeLessThan(1000);
    c.ws.send(`{"type":"request","id":9,"name":"${key}`); // malformed JSON quoting the input
    await c.until(() => c.texts.some((m) => m.type === 'event' && m.name === 'error'));
    expect(JSON.stringify(c.texts.at(-1)).length).toBeLessThan(1000);
  });

  it('does not read a client with too many requests unanswered until some are answered', async () => {
    const s = await start('127.0.0.1', { maxRequestsInFlight: 4 });
    const gates: Array<() => void> = [];
    service.readChannel = () => new Promise((resolve) => gates.push(() => resolve(new Uint8Array([1]))));
    const c = await connectWs(wsUrl(s));
    for (let id = 1; id <= 10; id++)
      c.ws.send(encodeText({ type: 'request', id, name: 'readChannel', args: [FAKE_CAMERA, 'config'] }));
    await until(() => gates.length === 4);
    await new Promise((r) => setTimeout(r, 200));
    expect(gates).toHaveLength(4); // the other six wait in the socket, not in the server
    for (let i = 0; i < 10; i++) {
      await until(() => gates.length > i);
      gates[i]!();
    }
    await c.until(() => c.texts.filter((m) => m.type === 'reply').length === 10);
  });

  it('closes a client that stops reading and stays over its budget; a reading client keeps its frames', async () => {
    const s = await start('127.0.0.1', {
      queue: {
        connectionBytes: 64 * 1024,
        overBudgetMs: 200,
        connectionHardBytes: 256 << 20,
        totalBytes: 256 << 20,
      },
    });
    const reader = await connectWs(wsUrl(s));
    const stuck = await stalledClient(s.port, `/ws?token=${s.token}`);
    expect(stuck.status).toBe(101);
    await until(() => s.connections() === 2);
    const line = 'x'.repeat(64 * 1024);
    // the kernel's socket buffers take several MB first; then the server's queue grows and the budget closes it
    for (let i = 0; i < 2000 && s.connections() === 2; i++) {
      service.emit('stdout', line);
      await new Promise((r) => setTimeout(r, 2));
    }
    await until(() => s.connections() === 1);
    expect(dropped).toEqual([expect.stringMatching(/^it kept more than 64 KiB unread for 200 ms$/)]);
    expect(s.queuedBytes()).toBeLessThan(64 * 1024);
    await reader.request('watch', [FAKE_CAMERA]);
    const meta: FrameMeta = {
      camera: FAKE_CAMERA,
      seq: 7,
      channel: 'stream',
      width: 1,
      height: 1,
      bytes: 1,
      format: 'jpeg',
      receivedAt: 1,
    };
    service.emitFrame(meta, new Uint8Array([0xff]));
    await reader.until(() => reader.frames.some((f) => f.meta.seq === 7));
    stuck.socket.destroy();
  });

  it('close() ends open connections', async () => {
    const s = await start();
    const c = await connectWs(wsUrl(s));
    const closed = new Promise<void>((r) => c.ws.once('close', () => r()));
    await s.close();
    await closed;
    server = null;
  });
});
