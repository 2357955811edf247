// The service as a hub of cameras: several at once, each with its own frames and config; one camera opened
// twice is one link; closing one tells every page who closed it; a camera replugged on another path is found
// again by its serial (a listed USB serial, or the uid an extra port's board answers with).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkedTransport } from '../host/testing/linked-transport';
import type { Transport } from '../host';
import type { ByteLink } from '../protocol';
import { createSimCam, demoCameraOptions } from '../simcam';
import type { SimCam } from '../simcam';
import type { CameraClosed, CameraId, CameraInfo, FrameMeta, PortInfo } from '../shared/contract';
import type { CamdeckService } from './api';
import { createCamdeckService } from './service';
import type { ServiceOptions } from './service';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const small = { fps: 20, width: 160, height: 120 } as const;

function sim(opts: Parameters<typeof createSimCam>[0] = {}): SimCam {
  const s = createSimCam({ ...small, ...opts });
  closers.push(() => s.close());
  return s;
}

interface Seen {
  svc: CamdeckService;
  frames: FrameMeta[];
  cameras: CameraInfo[][];
  closed: Array<[CameraClosed, CameraId | null]>;
}

function service(opts: Partial<ServiceOptions>): Seen {
  const svc = createCamdeckService({
    snapshotsDir: mkdtempSync(path.join(tmpdir(), 'camdeck-hub-')),
    listSerial: async () => [],
    backoffMs: [50],
    statsIntervalMs: 1000,
    ...opts,
  });
  closers.push(() => svc.close());
  const seen: Seen = { svc, frames: [], cameras: [], closed: [] };
  svc.onFrame((meta) => seen.frames.push(meta));
  svc.on('cameras', (c) => seen.cameras.push(c));
  svc.on('closed', (c, camera) => seen.closed.push([c, camera]));
  return seen;
}

/** Two demo cameras, each its own simulated board (demoCameraOptions), small frames; opens counted. */
function twoDemos() {
  const sims = [1, 2].map((n) => sim(demoCameraOptions(n)));
  const opens = [0, 0];
  const seen = service({
    demoCameras: 2,
    openDemo: (n) => {
      opens[n - 1]!++;
      return linkedTransport(sims[n - 1]!, `demo ${n}`);
    },
  });
  return { ...seen, sims, opens };
}

describe('a hub of cameras', () => {
  it('lists the demo cameras; holds two at once, each with its own frames and config', async () => {
    const { svc, frames } = twoDemos();
    expect((await svc.listPorts()).map((p) => p.target)).toEqual(['demo', 'demo:2']);
    const [a, b] = await Promise.all([svc.openCamera('demo'), svc.openCamera('demo:2')]);
    expect(a.id).not.toBe(b.id);
    expect(a.serial).toBe(demoCameraOptions(1).serial);
    expect(b.serial).toBe(demoCameraOptions(2).serial);
    expect((await svc.listCameras()).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    await until(
      () =>
        frames.filter((f) => f.camera === a.id).length > 2 &&
        frames.filter((f) => f.camera === b.id).length > 2,
      'frames of both cameras',
    );
    expect(new Set(frames.map((f) => f.camera))).toEqual(new Set([a.id, b.id]));
    // each camera numbers its own frames
    for (const id of [a.id, b.id]) {
      const seqs = frames.filter((f) => f.camera === id).map((f) => f.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    const qb = (await svc.readConfig(b.id)).values['quality'];
    const q = qb === 17 ? 18 : 17;
    expect((await svc.writeConfig(a.id, { quality: q })).values['quality']).toBe(q);
    expect((await svc.readConfig(a.id)).values['quality']).toBe(q);
    expect((await svc.readConfig(b.id)).values['quality']).toBe(qb);
    // events carry the camera they are about
    const configs: Array<CameraId | null> = [];
    svc.on('config', (_c, camera) => configs.push(camera));
    await svc.writeConfig(b.id, { quality: 33 });
    expect(configs).toEqual([b.id]);
  });

  it('a demo camera beyond the count is refused in a sentence with a hint', async () => {
    const { svc } = twoDemos();
    await expect(svc.openCamera('demo:3')).rejects.toMatchObject({
      code: 'port-not-found',
      message: 'There is no demo camera demo:3 here.',
      hint: 'This camdeck has 2 demo cameras: demo to demo:2.',
    });
  });

  it('opening a camera twice (at once, or again) gives the same id over one link', async () => {
    const { svc, opens, cameras } = twoDemos();
    const [x, y] = await Promise.all([svc.openCamera('demo'), svc.openCamera('demo')]);
    const z = await svc.openCamera('demo');
    expect(new Set([x.id, y.id, z.id]).size).toBe(1);
    expect(opens).toEqual([1, 0]);
    expect(cameras.at(-1)).toHaveLength(1);
  });

  it('the same USB serial on another path is the camera already open, and is not opened again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-dup-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const cam = sim();
    const opened: string[] = [];
    const ports: PortInfo[] = ['ttyACM0', 'by-id-cam'].map((n) => ({
      target: path.join(dir, n),
      path: path.join(dir, n),
      serialNumber: '3F2A0042',
      isCamera: true,
      board: 'OpenMV Cam H7 Plus',
    }));
    const { svc } = service({
      listSerial: async () => ports,
      openTransport: async (t) => (opened.push(t), linkedTransport(cam, t)),
    });
    const a = await svc.openCamera(ports[0]!.target);
    expect(a).toMatchObject({ id: '3f2a0042', serial: '3F2A0042', label: 'OpenMV Cam H7 Plus · 0042' });
    const b = await svc.openCamera(ports[1]!.target);
    expect(b.id).toBe(a.id);
    expect(b.target).toBe(ports[0]!.target);
    expect(opened).toEqual([ports[0]!.target]);
  });

  it('closeCamera: every page is told who closed it; the other camera goes on', async () => {
    const { svc, frames, closed, cameras } = twoDemos();
    const [a, b] = await Promise.all([svc.openCamera('demo'), svc.openCamera('demo:2')]);
    await svc.closeCamera(a.id, { peer: 'window 2' });
    expect(closed).toEqual([[{ reason: 'closed by window 2' }, a.id]]);
    expect(cameras.at(-1)!.map((c) => c.id)).toEqual([b.id]);
    const n = frames.length;
    await until(() => frames.slice(n).some((f) => f.camera === b.id), 'frames of the other camera');
    expect(frames.slice(n + 1).some((f) => f.camera === a.id)).toBe(false);
    await expect(svc.closeCamera(a.id)).rejects.toMatchObject({ code: 'no-camera' });
  });

  it('closing the service tells every page, for every camera', async () => {
    const { svc, closed } = twoDemos();
    const [a, b] = await Promise.all([svc.openCamera('demo'), svc.openCamera('demo:2')]);
    await svc.close();
    expect(closed.map(([c, id]) => [c.reason, id]).sort()).toEqual(
      [
        ['the service is shutting down', a.id],
        ['the service is shutting down', b.id],
      ].sort(),
    );
    await expect(svc.openCamera('demo')).rejects.toMatchObject({ code: 'closed' });
  });

  it('pushes the ports event when a camera is plugged in, while a page listens', async () => {
    let listed: PortInfo[] = [];
    let looks = 0;
    const { svc } = service({
      listSerial: async () => (looks++, listed),
      portWatch: { intervalMs: 20, settleMs: 100 },
    });
    const pushed: PortInfo[][] = [];
    svc.on('ports', (p, camera) => (expect(camera).toBeNull(), pushed.push(p)));
    await until(() => looks > 1, 'the watch looking');
    expect(pushed).toEqual([]);
    listed = [{ target: '/dev/ttyACM3', path: '/dev/ttyACM3', isCamera: true }];
    await until(() => pushed.length > 0, 'the ports event');
    expect(pushed[0]!.map((p) => p.target)).toEqual(['demo', '/dev/ttyACM3']);
  });

  it("another camdeck's camera: refused without --allow-network, then said to be unsupported here", async () => {
    const { svc } = service({});
    await expect(svc.openCamera('camdeck://cam.local:7410/3f2a')).rejects.toMatchObject({
      code: 'network-off',
    });
    const allowed = service({ allowNetwork: true });
    await expect(allowed.svc.openCamera('camdeck://cam.local:7410/3f2a')).rejects.toMatchObject({
      code: 'bad-target',
      message: expect.stringMatching(/cannot open another camdeck's camera/),
      hint: expect.stringMatching(/\.$/),
    });
  });
});

/** Serial "ports" as files in a folder: a path exists while its file does; opening it links to its camera. */
function portFolder() {
  const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-replug-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const plugged = new Map<string, SimCam>();
  const links = new Map<string, ByteLink[]>();
  const opened: string[] = [];
  return {
    dir,
    opened,
    at: (name: string) => path.join(dir, name),
    plug(name: string, cam: SimCam): void {
      writeFileSync(path.join(dir, name), '');
      plugged.set(path.join(dir, name), cam);
    },
    unplug(name: string): void {
      const p = path.join(dir, name);
      rmSync(p, { force: true });
      plugged.delete(p);
      for (const l of links.get(p) ?? []) l.close();
    },
    async open(t: string): Promise<Transport> {
      opened.push(t);
      const cam = plugged.get(t);
      if (!cam || !existsSync(t))
        throw Object.assign(new Error(`There is no port ${t}.`), { code: 'port-not-found' });
      const transport = linkedTransport(cam, t);
      links.set(t, [...(links.get(t) ?? []), transport.link]);
      return transport;
    },
  };
}

describe('a camera replugged on another path', () => {
  it('is found again by its USB serial in the port list: same id, new target, a cameras event', async () => {
    const ports = portFolder();
    const cam = sim();
    let listed: PortInfo[] = [];
    const list = (name: string): PortInfo[] => [
      { target: ports.at(name), path: ports.at(name), serialNumber: 'AB12CD34', isCamera: true },
    ];
    ports.plug('ttyACM0', cam);
    listed = list('ttyACM0');
    const { svc, cameras, frames } = service({
      listSerial: async () => listed,
      openTransport: (t) => ports.open(t),
    });
    const states: string[] = [];
    svc.on('state', (s) => states.push(s.kind));
    const info = await svc.openCamera(ports.at('ttyACM0'));
    expect(info.id).toBe('ab12cd34');
    ports.unplug('ttyACM0');
    listed = [];
    await until(() => states.includes('reconnecting'), 'reconnecting');
    await new Promise((r) => setTimeout(r, 200)); // a few attempts at the vanished path
    expect(cameras.at(-1)![0]!.target).toBe(ports.at('ttyACM0'));
    ports.plug('ttyACM1', cam);
    listed = list('ttyACM1');
    await until(() => cameras.at(-1)?.[0]?.target === ports.at('ttyACM1'), 'the new path');
    expect(cameras.at(-1)).toEqual([expect.objectContaining({ id: info.id, target: ports.at('ttyACM1') })]);
    await until(() => states.at(-1) === 'connected', 'connected again');
    expect(await svc.getState(info.id)).toMatchObject({ kind: 'connected', target: ports.at('ttyACM1') });
    const n = frames.length;
    await until(() => frames.length > n + 2, 'frames from the new path');
    expect(frames.at(-1)!.camera).toBe(info.id);
  });

  it('is found again among the extra ports (a glob) by the uid its board answers with', async () => {
    const ports = portFolder();
    const mine = sim(demoCameraOptions(3));
    const other = sim(demoCameraOptions(4));
    ports.plug('cam-a', mine);
    const { svc, cameras } = service({
      extraPorts: [path.join(ports.dir, 'cam-*')],
      openTransport: (t) => ports.open(t),
    });
    expect((await svc.listPorts()).map((p) => p.target)).toContain(ports.at('cam-a'));
    const info = await svc.openCamera(ports.at('cam-a'));
    expect(info.serial).toBe(demoCameraOptions(3).serial);
    ports.unplug('cam-a');
    // another camera appears first, then ours on a new path
    ports.plug('cam-b', other);
    ports.plug('cam-c', mine);
    await until(() => cameras.at(-1)?.[0]?.target === ports.at('cam-c'), 'the new path', 20_000);
    expect(cameras.at(-1)).toEqual([expect.objectContaining({ id: info.id, target: ports.at('cam-c') })]);
    expect(await svc.getState(info.id)).toMatchObject({ kind: 'connected', target: ports.at('cam-c') });
    expect(ports.opened).toContain(ports.at('cam-b')); // probed, and not taken
  }, 30_000);
});
