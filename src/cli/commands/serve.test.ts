import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { EXIT } from '../exit';
import { run } from './serve';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'camdeck.js');

describe('camdeck serve', () => {
  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--camera', '/dev/ttyACM0', '--demo']],
    [['--bogus']],
  ])('refuses %j with a usage error', async (argv) => {
    expect(await run(argv)).toBe(EXIT.USAGE);
  });

  it('prints the ready line, serves the contract, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--demo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CAMDECK_DATA_DIR: '/tmp/camdeck-serve-test' },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no ready line')), 15_000);
        createInterface({ input: child.stdout! }).on('line', (l) => {
          const m = /^camdeck: serving (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(l);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
      });
      const ws = new WebSocket(`${url.replace('http', 'ws')}ws`);
      const state = await new Promise<unknown>((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'request', id: 1, name: 'listPorts', args: [] })));
        ws.on('message', (d, bin) => {
          if (bin) return;
          const m = JSON.parse(d.toString()) as { type: string; id?: number; result?: unknown };
          if (m.type === 'reply' && m.id === 1) resolve(m.result);
        });
        ws.on('error', reject);
      });
      expect(state).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'demo' })]));
      ws.close();
      const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill('SIGTERM');
      expect(await code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
