import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryTransport } from '../host';
import { createLinkPair } from '../protocol';
import type { ByteLink } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import type {
  AppError,
  CameraId,
  CameraInfo,
  ConfigSnapshot,
  ConnectionState,
  FrameMeta,
} from '../shared/contract';
import { createCamdeckService } from './service';
import type { CamdeckService } from './api';
import { LocalCamera } from './camera-unit';
import { SnapshotFolder } from './snapshot';
import { targetOpener } from './targets';

interface Rig {
  svc: CamdeckService;
  sim: SimCam;
  links: ByteLink[];
  states: ConnectionState[];
  errors: AppError[];
  configs: ConfigSnapshot[];
  frames: Array<{ meta: FrameMeta; image: Uint8Array }>;
  /** The `cameras` events, and the camera each error was about. */
  cameras: CameraInfo[][];
  errorCameras: Array<CameraId | null>;
  snapshotsDir: string;
  /** openCamera(target), remembering the id the camera requests below use. */
  open(target?: string): Promise<CameraInfo>;
  id: CameraId;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.svc.close();
    r.sim.close();
  }
});

/** The service with the in-process sim cam as its demo target; we keep the links to pull the cable. */
function rig(opts: { extraPorts?: string[]; defaultTarget?: string; serialCamera?: boolean } = {}): Rig {
  const sim = createSimCam({ fps: 60, width: 320, height: 240 });
  const links: ByteLink[] = [];
  const snapshotsDir = mkdtempSync(path.join(tmpdir(), 'camdeck-svc-'));
  const svc = createCamdeckService({
    snapshotsDir,
    extraPorts: opts.extraPorts ?? [],
    listSerial: async () =>
      opts.serialCamera === false
        ? [{ target: '/dev/ttyS0', path: '/dev/ttyS0', isCamera: false }]
        : [{ target: '/dev/ttyACM7', path: '/dev/ttyACM7', isCamera: true, board: 'OpenMV Cam H7' }],
    ...(opts.defaultTarget ? { defaultTarget: opts.defaultTarget } : {}),
    backoffMs: [50],
    statsIntervalMs: 100,
    openDemo: () => {
      const [host, device] = createLinkPair();
      sim.attach(device);
      links.push(host);
      return memoryTransport(host, 'test demo');
    },
  });
  const r: Rig = {
    svc,
    sim,
    links,
    states: [],
    errors: [],
    configs: [],
    frames: [],
    cameras: [],
    errorCameras: [],
    snapshotsDir,
    id: '',
    async open(target = 'demo') {
      const info = await svc.openCamera(target);
      r.id = info.id;
      return info;
    },
  };
  svc.on('state', (s) => r.states.push(s));
  svc.on('cameras', (c) => r.cameras.push(c));
  svc.on('error', (e, camera) => (r.errors.push(e), r.errorCameras.push(camera)));
  svc.on('config', (c) => r.configs.push(c));
  svc.onFrame((meta, image) => r.frames.push({ meta, image }));
  rigs.push(r);
  return r;
}

async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('camdeck service over the simulated camera', () => {
  it('opens the demo target: connected, listed, and streaming JPEG frames of that camera', async () => {
    const r = rig();
    const info = await r.open();
    const dev = info.device!;
    expect(dev.board).toMatch(/demo/i);
    expect(dev.channels.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'frame', 'stdout']));
    expect(dev.uid).toMatch(/^[0-9a-f]{24}$/);
    // no USB serial on the demo port: the id comes from the board's uid
    expect(info).toMatchObject({
      target: 'demo',
      serial: dev.uid,
      state: { kind: 'connected', target: 'demo' },
    });
    expect(r.cameras.at(-1)).toEqual([expect.objectContaining({ id: info.id, target: 'demo' })]);
    expect(await r.svc.listCameras()).toEqual([expect.objectContaining({ id: info.id })]);
    expect(await r.svc.getState(r.id)).toMatchObject({ kind: 'connected', device: { board: dev.board } });
    await until(() => r.frames.length >= 5, 'five frames');
    const f = r.frames.at(-1)!;
    expect(f.meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(f.meta.bytes).toBe(f.image.length);
    expect([f.image[0], f.image[1]]).toEqual([0xff, 0xd8]);
    const seqs = r.frames.map((x) => x.meta.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(new Set(r.frames.map((x) => x.meta.camera))).toEqual(new Set([info.id]));
  });

  it('pushes the config with built-in ranges after connect, and stats about once per interval', async () => {
    const r = rig();
    await r.open();
    await until(() => r.configs.length > 0, 'config event');
    const snap = r.configs[0]!;
    expect(snap.channel).toBe('config');
    expect(typeof snap.values['quality']).toBe('number');
    expect(snap.schema.properties['quality']).toMatchObject({ minimum: 1, maximum: 100 });
    const stats: number[] = [];
    r.svc.on('stats', (s) => stats.push(s.frames.received));
    await until(() => stats.length >= 2, 'two stats events');
    expect(stats[1]).toBeGreaterThanOrEqual(stats[0]!);
  });

  it('writes config and resolves with the readback; later frames carry the new quality', async () => {
    const r = rig();
    await r.open();
    const snap = await r.svc.writeConfig(r.id, { quality: 12 });
    expect(snap.values['quality']).toBe(12);
    expect(r.configs.at(-1)?.values['quality']).toBe(12);
    expect((await r.svc.readConfig(r.id)).values['quality']).toBe(12);
    const n = r.frames.length;
    await until(() => r.frames.slice(n).some((f) => f.meta.quality === 12), 'a frame at quality 12');
  });

  it('serializes concurrent writes in call order', async () => {
    const r = rig();
    await r.open();
    const order: number[] = [];
    const writes = [30, 40, 50].map((q) =>
      r.svc.writeConfig(r.id, { quality: q }).then((s) => order.push(s.values['quality'] as number)),
    );
    await Promise.all(writes);
    expect(order).toEqual([30, 40, 50]);
    expect((await r.svc.readConfig(r.id)).values['quality']).toBe(50);
  });

  it('a rejected write fails with config-rejected and changes nothing', async () => {
    const r = rig();
    await r.open();
    const before = await r.svc.readConfig(r.id);
    r.sim.setConfigFault('reject-writes');
    await expect(r.svc.writeConfig(r.id, { quality: 5 })).rejects.toMatchObject({ code: 'config-rejected' });
    r.sim.setConfigFault('none');
    expect((await r.svc.readConfig(r.id)).values).toEqual(before.values);
  });

  it('invalid JSON from the camera is a clear config-invalid error; the link stays up', async () => {
    const r = rig();
    await r.open();
    r.sim.setConfigFault('invalid-json');
    await expect(r.svc.readConfig(r.id)).rejects.toMatchObject({
      code: 'config-invalid',
      message: expect.stringMatching(/JSON/),
    });
    r.sim.setConfigFault('none');
    expect((await r.svc.readConfig(r.id)).values).toHaveProperty('quality');
    expect((await r.svc.getState(r.id)).kind).toBe('connected');
  });

  it('saves the latest frame as the JPEG received and as PNG', async () => {
    const r = rig();
    // (no frame yet → no-frame: the not-connected camera test below)
    await r.open();
    await until(() => r.frames.length > 0, 'a frame');
    await r.svc.setStreaming(r.id, false); // hold the frame still
    const last = r.frames.at(-1)!;
    const jpg = await r.svc.saveSnapshot(r.id, 'jpeg');
    expect(jpg.format).toBe('jpeg');
    expect(path.dirname(jpg.path)).toBe(r.snapshotsDir);
    expect(new Uint8Array(readFileSync(jpg.path))).toEqual(last.image);
    const png = await r.svc.saveSnapshot(r.id, 'png');
    expect(Array.from(readFileSync(png.path).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('snapshot by seq saves the frame the UI shows, under the name a download gets', async () => {
    const r = rig();
    await r.open();
    await until(() => r.frames.length > 4, 'frames');
    await r.svc.setStreaming(r.id, false);
    const shown = r.frames.at(-3)!; // the page draws a frame or two behind
    const jpg = await r.svc.saveSnapshot(r.id, 'jpeg', shown.meta.seq);
    expect(new Uint8Array(readFileSync(jpg.path))).toEqual(shown.image);
    expect(path.basename(jpg.path)).toBe(jpg.name);
    expect(jpg.seq).toBe(shown.meta.seq);
    expect(jpg.name).toMatch(new RegExp(`^camdeck-\\d{8}-\\d{6}-\\d{3}-${shown.meta.seq}\\.jpg$`));
    // a seq no longer held: the latest frame
    const latest = await r.svc.saveSnapshot(r.id, 'jpeg', -1);
    expect(new Uint8Array(readFileSync(latest.path))).toEqual(r.frames.at(-1)!.image);
  });

  it('frame stats are per connection: rates on the camera clock, drops from frame-number gaps', async () => {
    const r = rig();
    await r.open();
    await until(() => r.frames.length > 30, 'frames');
    const s1 = await r.svc.getStats(r.id);
    const stats: Array<Awaited<ReturnType<typeof r.svc.getStats>>> = [];
    r.svc.on('stats', (s) => stats.push(s));
    await until(() => stats.length > 0 && stats.at(-1)!.frames.fps !== null, 'a measured rate');
    const f = stats.at(-1)!.frames;
    expect(f.clock).toBe('camera');
    expect(f.fps!).toBeGreaterThan(1);
    expect(f.kbps!).toBeGreaterThan(0);
    // kbps ÷ fps is a real frame size
    const sizes = r.frames.slice(-40).map((x) => x.meta.bytes);
    const mean = (f.kbps! * 1000) / 8 / f.fps!;
    expect(mean).toBeGreaterThan(Math.min(...sizes) * 0.8);
    expect(mean).toBeLessThan(Math.max(...sizes) * 1.2);
    expect(s1.frames.dropped).toBeLessThanOrEqual(s1.frames.received);

    // a reconnect starts the counts afresh, and the disconnect itself says fps 0 at once
    // frames delivered since the new connection came up, counted by events (a loaded machine may deliver
    // many between two polls of until())
    let n = -1;
    r.svc.on('state', (s) => {
      if (s.kind === 'connected' && n < 0) n = r.frames.length;
    });
    r.links.at(-1)!.close();
    await until(() => stats.some((s) => s.frames.fps === 0), 'fps 0 while away');
    await until(() => n >= 0, 'connected again');
    await until(() => r.frames.length > n + 3, 'frames after reconnect');
    const s2 = await r.svc.getStats(r.id);
    const since = r.frames.length - n;
    expect(s2.frames.received).toBeGreaterThan(0);
    expect(s2.frames.received).toBeLessThanOrEqual(since + 1);
    expect(s2.frames.received).toBeLessThan(s1.frames.received + since);
    expect(s2.frames.dropped).toBeLessThanOrEqual(s2.frames.received);
  });

  it('pulled cable: reconnecting, then connected again with frames flowing', async () => {
    const r = rig();
    await r.open();
    await until(() => r.frames.length > 2, 'frames before');
    r.states.length = 0;
    r.links.at(-1)!.close(); // cable pulled
    await until(() => r.states.some((s) => s.kind === 'reconnecting'), 'reconnecting');
    await until(() => r.states.at(-1)?.kind === 'connected', 'connected again');
    // the reconnect reports its progress, under the camera's target
    expect(r.states.map((s) => s.kind)).toContain('connecting');
    expect(r.states.at(-1)).toMatchObject({ kind: 'connected', target: 'demo' });
    const n = r.frames.length;
    await until(() => r.frames.length > n + 2, 'frames after reconnect');
    expect(r.links.length).toBe(2);
  });

  it('auto target: no camera attached → the demo camera, connected at start', async () => {
    const r = rig({ defaultTarget: 'auto', serialCamera: false });
    await until(() => r.cameras.length > 0, 'auto-connect');
    expect(r.cameras.at(-1)).toEqual([
      expect.objectContaining({ target: 'demo', state: expect.objectContaining({ kind: 'connected' }) }),
    ]);
  });

  it('auto target: a failed start-up connect is reported as an error event', async () => {
    const r = rig({ defaultTarget: 'auto' }); // picks /dev/ttyACM7, which does not exist
    await until(() => r.errors.length > 0, 'error event');
    expect(r.errors[0]).toMatchObject({ code: 'port-not-found' });
    expect(r.errorCameras[0]).toBeNull(); // the service's error: no camera was opened
    expect(await r.svc.listCameras()).toEqual([]);
  });

  it('lists the demo camera first, then cameras and extra ports', async () => {
    const r = rig({ extraPorts: ['/tmp/pty-cam', '/dev/ttyACM7'] });
    const ports = await r.svc.listPorts();
    expect(ports.map((p) => p.target)).toEqual(['demo', '/dev/ttyACM7', '/tmp/pty-cam']);
    // named again as an extra port, the demo camera is still listed once
    const again = await rig({ extraPorts: ['demo'] }).svc.listPorts();
    expect(again.filter((p) => p.target === 'demo')).toHaveLength(1);
  });

  it('refuses requests for a camera it does not hold, and reports failed opens to the caller only', async () => {
    const r = rig();
    for (const ask of [() => r.svc.readConfig('nope'), () => r.svc.readChannel('nope', 'config')])
      await expect(ask()).rejects.toMatchObject({
        code: 'no-camera',
        message: 'No camera "nope" is open in this camdeck.',
        hint: expect.stringMatching(/port list/),
      });
    await expect(r.svc.openCamera('/dev/camdeck-no-such-port')).rejects.toMatchObject({
      code: 'port-not-found',
    });
    expect(r.errors).toEqual([]); // the caller reports it; no duplicate event
    expect(r.cameras).toEqual([]); // nothing stays registered
    expect(await r.svc.listCameras()).toEqual([]);
  });

  it('a camera that is not connected refuses camera requests with not-connected', async () => {
    const r = rig();
    const unit = new LocalCamera('demo', {
      targets: targetOpener(() => {
        throw new Error('not opened in this test');
      }),
      rules: { named: [], allowNetwork: false },
      snapshots: new SnapshotFolder(r.snapshotsDir),
    });
    await expect(unit.readConfig()).rejects.toMatchObject({ code: 'not-connected' });
    await expect(unit.readChannel('config')).rejects.toMatchObject({ code: 'not-connected' });
    await expect(unit.saveSnapshot('jpeg')).rejects.toMatchObject({ code: 'no-frame' });
    await unit.close('test over');
  });

  it('raw channel read/write and closeCamera', async () => {
    const r = rig();
    await r.open();
    const raw = await r.svc.readChannel(r.id, 'config');
    expect(JSON.parse(new TextDecoder().decode(raw))).toHaveProperty('quality');
    await r.svc.writeChannel(r.id, 'config', new TextEncoder().encode('{"quality":33}'));
    expect((await r.svc.readConfig(r.id)).values['quality']).toBe(33);
    const closed: Array<[unknown, CameraId | null]> = [];
    r.svc.on('closed', (c, camera) => closed.push([c, camera]));
    await r.svc.closeCamera(r.id, { peer: 'a browser page at 127.0.0.1' });
    expect(closed).toEqual([[{ reason: 'closed by a browser page at 127.0.0.1' }, r.id]]);
    expect(r.cameras.at(-1)).toEqual([]);
    await expect(r.svc.getState(r.id)).rejects.toMatchObject({ code: 'no-camera' });
    // closed for good: no reconnect
    const n = r.links.length;
    await new Promise((res) => setTimeout(res, 200));
    expect(r.links.length).toBe(n);
  });
});
