// What the service opens for a page, and what it says when it will not or cannot: a refused path reads like a
// missing one, network targets only when allowed and then a closed port reads like an open one; snapshots
// at a bounded rate.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryTransport } from '../host';
import type { ConnectionState } from '../model';
import { createLinkPair } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import type { CamdeckService } from './api';
import { createCamdeckService } from './service';
import type { ServiceOptions } from './service';

const open: Array<{ svc: CamdeckService; sim: SimCam }> = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const { svc, sim } of open.splice(0)) {
    await svc.close();
    sim.close();
  }
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function service(opts: Partial<ServiceOptions> = {}): { svc: CamdeckService; states: ConnectionState[] } {
  const sim = createSimCam({ fps: 60, width: 160, height: 120 });
  const svc = createCamdeckService({
    snapshotsDir: mkdtempSync(path.join(tmpdir(), 'camdeck-limits-')),
    listSerial: async () => [{ target: '/dev/ttyACM7', path: '/dev/ttyACM7', isCamera: true }],
    backoffMs: [50],
    openDemo: () => {
      const [host, device] = createLinkPair();
      sim.attach(device);
      return memoryTransport(host, 'test demo');
    },
    ...opts,
  });
  open.push({ svc, sim });
  const states: ConnectionState[] = [];
  svc.on('state', (s) => states.push(s));
  return { svc, states };
}

/** What a page learns of a failed open: the error, the states it was sent, listCameras() after. */
async function failedConnect(opts: Partial<ServiceOptions>, target: string) {
  const { svc, states } = service(opts);
  const err = (await svc.openCamera(target).then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string; hint: string } | null;
  expect(err, `${target} should fail`).not.toBeNull();
  // the target is the page's own text: what is compared is everything else
  const said = <T>(x: T): T => JSON.parse(JSON.stringify(x).replaceAll(target, 'T')) as T;
  return said({
    error: { code: err!.code, message: err!.message, hint: err!.hint },
    states,
    cameras: await svc.listCameras(),
  });
}

/** A TCP port: 'closed' (nothing listens), 'silent' (accepts, says nothing), 'hangup' (accepts, closes). */
async function tcpPort(
  kind: 'closed' | 'silent' | 'hangup',
): Promise<{ target: string; accepted: () => number }> {
  let accepted = 0;
  const held: Socket[] = [];
  const server = createServer((sock) => {
    accepted++;
    if (kind === 'hangup') sock.destroy();
    else held.push(sock.on('error', () => undefined));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  if (kind === 'closed') await new Promise((r) => server.close(r));
  else {
    server.on('close', () => held.forEach((s) => s.destroy()));
    servers.push(server);
    const close = server.close.bind(server);
    server.close = (cb) => (held.forEach((s) => s.destroy()), close(cb));
  }
  return { target: `tcp://127.0.0.1:${port}`, accepted: () => accepted };
}

describe('the service opens only serial ports it knows of', () => {
  it('/etc/passwd and an unlisted /dev/ttyS0 are refused exactly like a path that does not exist', async () => {
    const missing = await failedConnect({}, '/dev/camdeck-no-such-port');
    expect(missing.error).toEqual({
      code: 'port-not-found',
      message: 'No listed serial port is called T.',
      hint: expect.stringMatching(/CAMDECK_EXTRA_PORTS/),
    });
    // the page sees what it sees for a missing port: no camera states (nothing was registered), no camera
    expect(missing.states).toEqual([]);
    expect(missing.cameras).toEqual([]);
    for (const target of ['/etc/passwd', '/dev/ttyS0', '/dev/null', '/tmp'])
      expect(await failedConnect({}, target), target).toEqual(missing);
  });

  it('a listed port and a CAMDECK_EXTRA_PORTS entry are opened (here: not there, so the open fails)', async () => {
    expect((await failedConnect({}, '/dev/ttyACM7')).error.message).toBe('There is no port T.');
    const extra = await failedConnect({ extraPorts: ['/tmp/camdeck-gone-pty'] }, '/tmp/camdeck-gone-pty');
    expect(extra.error.message).toBe('There is no port T.');
  });
});

describe('network targets', () => {
  it('are refused unless the service allows them: nothing is connected to', async () => {
    const port = await tcpPort('silent');
    const refused = await failedConnect({}, port.target);
    expect(refused.error).toEqual({
      code: 'network-off',
      message: 'This camdeck server does not connect to network cameras (T).',
      hint: expect.stringMatching(/--allow-network/),
    });
    expect(port.accepted()).toBe(0);
    expect((await failedConnect({}, 'udp://127.0.0.1:9')).error.code).toBe('network-off');
  });

  it('the target the operator named at start is connected to without the flag', async () => {
    const port = await tcpPort('hangup');
    const { svc } = service({ defaultTarget: port.target });
    const failed = await new Promise((r) => svc.on('error', r));
    expect(failed).toMatchObject({ code: 'no-answer', message: `No camera answered at ${port.target}.` });
    expect(port.accepted()).toBe(1);
    await expect(svc.openCamera(port.target)).rejects.toMatchObject({ code: 'no-answer' });
  });

  it('when allowed, a closed port, an open one that hangs up and a silent one read alike', async () => {
    const closed = await failedConnect({ allowNetwork: true }, (await tcpPort('closed')).target);
    expect(closed.error).toEqual({
      code: 'no-answer',
      message: 'No camera answered at T.',
      hint: "Check the camera's address, and that it is powered on and on this network.",
    });
    // no camera states before a camera answered (nothing is registered until then)
    expect(closed.states).toEqual([]);
    const hangup = await tcpPort('hangup');
    const silent = await tcpPort('silent');
    const open = await Promise.all(
      [hangup, silent].map((p) => failedConnect({ allowNetwork: true }, p.target)),
    );
    expect([hangup.accepted(), silent.accepted()]).toEqual([1, 1]);
    // the same error, the same states, the same state afterwards (targets aside)
    for (const seen of open) expect(seen).toEqual(closed);
    expect(closed.cameras).toEqual([]);
  }, 20_000);
});

describe('snapshots through the service', () => {
  it('a burst of 299 is rate-limited with a clear error; a few are saved, each under its own name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-burst-'));
    const { svc } = service({ snapshotsDir: dir });
    const { id } = await svc.openCamera('demo');
    const frame = new Promise((r) => svc.onFrame(r));
    await frame;
    await svc.setStreaming(id, false);
    const results = await Promise.allSettled(Array.from({ length: 299 }, () => svc.saveSnapshot(id, 'jpeg')));
    const saved = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as Record<string, string>] : [],
    );
    expect(saved.length).toBeGreaterThanOrEqual(1);
    expect(saved.length).toBeLessThanOrEqual(15);
    expect(readdirSync(dir)).toHaveLength(saved.length);
    expect(refused.length).toBe(299 - saved.length);
    for (const e of refused)
      expect(e).toMatchObject({
        code: 'snapshot-rate',
        message: 'Snapshots are limited to 5 a second; this one was not saved.',
        hint: 'Wait a moment, then save again.',
      });
  });

  it('the folder budget is the service option', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-budget-'));
    const { svc } = service({ snapshotsDir: dir, snapshotLimits: { maxFiles: 2 } });
    const { id } = await svc.openCamera('demo');
    await new Promise((r) => svc.onFrame(r));
    await svc.saveSnapshot(id, 'jpeg');
    await svc.saveSnapshot(id, 'jpeg');
    await expect(svc.saveSnapshot(id, 'jpeg')).rejects.toMatchObject({ code: 'snapshot-budget' });
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
