// `camdeck serve --allow-network`: without it the page cannot make the server connect to tcp:// or udp://.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'camdeck.js');

/** Start serve with `flags`, ask it to connect to `target` over the WebSocket, return the reply's error. */
async function connectThroughServe(flags: string[], target: string): Promise<{ code?: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CAMDECK_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'camdeck-serve-net-')) },
  });
  try {
    const page = await new Promise<URL>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no ready line')), 20_000);
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /^camdeck: serving (http:\/\/\S+)$/.exec(l);
        if (m) {
          clearTimeout(t);
          resolve(new URL(m[1]!));
        }
      });
    });
    const ws = new WebSocket(`ws://${page.host}/ws${page.search}`);
    const reply = await new Promise<{ ok: boolean; error?: { code?: string } }>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'request', id: 1, name: 'openCamera', args: [target] })),
      );
      ws.on('message', (d, bin) => {
        if (bin) return;
        const m = JSON.parse(d.toString()) as { type: string; id?: number; ok: boolean };
        if (m.type === 'reply' && m.id === 1) resolve(m);
      });
      ws.on('error', reject);
    });
    ws.close();
    return reply.error ?? {};
  } finally {
    child.kill('SIGKILL');
  }
}

describe('camdeck serve --allow-network', () => {
  it('network targets are refused without the flag and tried with it', async () => {
    let accepted = 0;
    const server = createServer((s) => (accepted++, s.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const target = `tcp://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await connectThroughServe([], target)).toMatchObject({ code: 'network-off' });
      expect(accepted).toBe(0);
      expect(await connectThroughServe(['--allow-network'], target)).toMatchObject({ code: 'no-answer' });
      expect(accepted).toBe(1);
    } finally {
      server.close();
    }
  }, 60_000);
});
