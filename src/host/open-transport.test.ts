// Open errors are typed: a code, a sentence naming the target, and what to check.
import { describe, expect, it } from 'vitest';
import { BadTargetError, PortOpenError } from './errors';
import { netOpenError, openTransport } from './open-transport';

const errno = (code: string): Error => Object.assign(new Error(`connect ${code} 10.0.0.2:5555`), { code });

describe('openTransport errors', () => {
  it('nothing listening on a TCP port → connection-refused with a hint', async () => {
    const err = await openTransport('tcp://127.0.0.1:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortOpenError);
    expect(err).toMatchObject({
      code: 'connection-refused',
      message: 'Nothing is listening at 127.0.0.1:1.',
      hint: "Check the camera's address and that it is powered on.",
    });
  });

  it('an unknown scheme or a bad port number is a BadTargetError (bad-target), not an I/O failure', async () => {
    const e1 = await openTransport('foo://x').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(BadTargetError);
    expect(e1).toMatchObject({
      code: 'bad-target',
      message: '"foo://x" uses the unsupported scheme foo://.',
    });
    const e2 = await openTransport('tcp://h:99999').catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'bad-target', hint: expect.stringMatching(/tcp:\/\/host:port/) });
  });

  it.each([
    ['ECONNREFUSED', 'connection-refused', 'Nothing is listening at 10.0.0.2:5555.'],
    ['EHOSTUNREACH', 'host-unreachable', '10.0.0.2:5555 cannot be reached from this machine.'],
    ['ENETUNREACH', 'host-unreachable', '10.0.0.2:5555 cannot be reached from this machine.'],
    ['ENOTFOUND', 'host-not-found', 'The host name in tcp://10.0.0.2:5555 could not be resolved.'],
    ['ETIMEDOUT', 'connect-timeout', '10.0.0.2:5555 did not answer the connection in time.'],
    ['EWHATEVER', 'port-open', 'Cannot connect to tcp://10.0.0.2:5555 (connect EWHATEVER 10.0.0.2:5555).'],
  ])('%s → %s', (code, expected, message) => {
    const e = netOpenError('tcp://10.0.0.2:5555', errno(code));
    expect(e).toMatchObject({ code: expected, message });
    expect(e.hint).toMatch(/\.$/);
  });
});

describe('a TCP peer that accepts and closes at once', () => {
  it('the link says who closed it, not just "link closed"', async () => {
    const { createServer } = await import('node:net');
    const { Camera } = await import('./camera');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const camera = new Camera(await openTransport(`tcp://127.0.0.1:${port}`));
      const err = await camera.connect().catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'disconnected',
        message: `tcp://127.0.0.1:${port} closed the connection.`,
      });
    } finally {
      server.close();
    }
  });
});
