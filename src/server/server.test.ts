import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { WebSocket } from 'ws';
import { decodeFrameMessage, decodeWsMessage, encodeText } from '../rpc';

import type { ServiceMessage as ServerMessage } from '../rpc';
import type { FrameMeta } from '../shared/contract';
import { startServer } from './server';
import type { RunningServer } from './server';
import { createFakeService } from '../service/fake-service.test-util';
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
});

let server: RunningServer | null = null;
let service: FakeService;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
  server = null;
});

async function start(host = '127.0.0.1'): Promise<RunningServer> {
  service = createFakeService();
  server = await startServer({ service, staticDir, host, port: 0 });
  return server;
}

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

  it('404s a missing file and 405s a POST', async () => {
    const s = await start();
    expect((await get(s.port, '/nope.js')).status).toBe(404);
    expect((await get(s.port, '/', 'POST')).status).toBe(405);
  });
});

describe('websocket carrier', () => {
  it('replies to requests and forwards events and frames', async () => {
    const s = await start();
    expect(s.token).toBeNull();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`);

    const ports = await c.request('listPorts');
    expect(ports).toMatchObject({ ok: true, result: [{ target: 'demo' }] });
    const conn = await c.request('connect', 'demo');
    expect(conn).toMatchObject({ ok: true, result: { board: 'Fake' } });
    const w = await c.request('writeConfig', { quality: 10 });
    expect(w).toMatchObject({ ok: true, result: { values: { quality: 10 } } });
    // bytes travel as {$bytes} both ways
    const rd = await c.request('readChannel', 'config');
    expect(rd.type === 'reply' && rd.ok && rd.result).toEqual(new Uint8Array([1, 2, 3, 255]));
    await c.request('writeChannel', 'config', new Uint8Array([7, 8]));
    expect(service.calls.at(-1)).toEqual({ name: 'writeChannel', args: ['config', new Uint8Array([7, 8])] });
    const dis = await c.request('disconnect');
    expect(dis).toMatchObject({ ok: true, result: null });

    service.emit('stdout', 'hello\n');
    await c.until(() => c.texts.some((m) => m.type === 'event' && m.name === 'stdout'));
    expect(c.texts.find((m) => m.type === 'event' && m.name === 'stdout')).toMatchObject({
      payload: 'hello\n',
    });

    const meta: FrameMeta = {
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
  });

  it('answers an unknown method or bad arguments with an error reply', async () => {
    const s = await start();
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`);
    expect(await c.request('formatDisk')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.request('connect', 42)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.request('writeConfig', { q: Number.NaN })).toMatchObject({ ok: false });
    expect(await c.request('saveSnapshot', 'gif')).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(service.calls.filter((x) => x.name === 'connect')).toHaveLength(0);
    // a service failure is classified (permission → port-permission), its hint sent apart for the UI
    const failed = await c.request('connect', 'fail');
    expect(failed).toMatchObject({ ok: false, error: { code: 'port-permission', hint: expect.any(String) } });
  });

  it('reports malformed messages as error events and keeps the connection', async () => {
    const s = await start();
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`);
    c.ws.send('{not json');
    c.ws.send(JSON.stringify({ type: 'request', name: 'listPorts', args: [] })); // no id
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.until(() => c.texts.filter((m) => m.type === 'event' && m.name === 'error').length === 3);
    for (const m of c.texts)
      expect(m).toMatchObject({ type: 'event', name: 'error', payload: { code: 'bad-message' } });
    expect(await c.request('getState')).toMatchObject({ ok: true, result: { kind: 'disconnected' } });
  });

  it('unsubscribes from the service when a client leaves', async () => {
    const s = await start();
    const base = service.listenerCount();
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`);
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
    await expect(connectWs(`ws://127.0.0.1:${s.port}/ws`, { Origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    );
    await expect(connectWs(`ws://127.0.0.1:${s.port}/other`)).rejects.toThrow(/404/);
    await connectWs(`ws://127.0.0.1:${s.port}/ws`, { Origin: `http://127.0.0.1:${s.port}` });
  });

  it('refuses a rebinding Host name in loopback mode', async () => {
    const s = await start();
    await expect(
      connectWs(`ws://127.0.0.1:${s.port}/ws`, {
        Host: `evil.example:${s.port}`,
        Origin: `http://evil.example:${s.port}`,
      }),
    ).rejects.toThrow(/403/);
    await connectWs(`ws://127.0.0.1:${s.port}/ws`, {
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
    expect(await c.request('getState')).toMatchObject({ ok: true });
  });

  it('close() ends open connections', async () => {
    const s = await start();
    const c = await connectWs(`ws://127.0.0.1:${s.port}/ws`);
    const closed = new Promise<void>((r) => c.ws.once('close', () => r()));
    await s.close();
    await closed;
    server = null;
  });
});
