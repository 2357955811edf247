// A camera that another `camdeck serve` publishes, opened by a second service as camdeck://127.0.0.1:<port>/<id>
// with that server's token: a real browser-host server over a real demo camera on one side, the remote unit
// (src/service/remote-camera.ts) on the other. Deadlines are generous: the machine may be loaded.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCamdeckService, parseRemoteTarget, remoteCameraOpener } from '../service';
import type { CamdeckService } from '../service';
import type { CameraId, ConnectionState, FrameMeta } from '../shared/contract';
import { startServer } from './server';
import type { RunningServer } from './server';

let root: string;
let staticDir: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'camdeck-remote-'));
  staticDir = path.join(root, 'renderer');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>camdeck</title>');
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const DEADLINE_MS = 30_000;

async function until(pred: () => boolean, what: string, ms = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The camdeck that publishes: a small, fast demo camera behind a real server. */
async function publisher(): Promise<{ service: CamdeckService; server: RunningServer; camera: CameraId }> {
  const service = createCamdeckService({
    snapshotsDir: mkdtempSync(path.join(root, 'snaps-a-')),
    demo: { fps: 30, width: 160, height: 120 },
  });
  cleanups.push(() => service.close());
  const camera = (await service.openCamera('demo')).id;
  const server = await startServer({ service, staticDir, port: 0 });
  cleanups.push(() => server.close());
  return { service, server, camera };
}

/** The camdeck that watches, with what it pushed. */
function watcher(allowNetwork = true) {
  const snapshotsDir = mkdtempSync(path.join(root, 'snaps-b-'));
  const service = createCamdeckService({
    snapshotsDir,
    allowNetwork,
    openRemote: remoteCameraOpener({ snapshotsDir, backoffMs: [100, 200, 400] }),
  });
  cleanups.push(() => service.close());
  const frames: FrameMeta[] = [];
  /** Frames whose bytes are not a JPEG as the camera sent it (SOI first). */
  const notJpeg: FrameMeta[] = [];
  const states: Array<{ camera: CameraId | null; state: ConnectionState }> = [];
  service.onFrame((meta, image) => {
    frames.push(meta);
    if (image[0] !== 0xff || image[1] !== 0xd8) notJpeg.push(meta);
  });
  service.on('state', (state, camera) => states.push({ camera, state }));
  const configs: Array<{ camera: CameraId | null; quality: unknown }> = [];
  service.on('config', (c, camera) => configs.push({ camera, quality: c.values['quality'] }));
  return { service, frames, notJpeg, states, configs, snapshotsDir };
}

const targetOf = (server: RunningServer, camera: CameraId) => `camdeck://127.0.0.1:${server.port}/${camera}`;

describe('a camera of another camdeck serve (camdeck://host:port/<id>)', () => {
  it(
    'streams under its local id, takes config writes, survives the other server going away and coming back',
    async () => {
      const a = await publisher();
      const b = watcher();
      const target = targetOf(a.server, a.camera);
      const info = await b.service.openCamera(target, { token: a.server.token });
      expect(info).toMatchObject({
        target,
        remote: `127.0.0.1:${a.server.port}`,
        state: { kind: 'connected', target },
      });
      expect(info.id).not.toBe(a.camera);
      expect(info.device?.board).toMatch(/demo/i);
      expect((await b.service.listCameras()).map((c) => c.id)).toEqual([info.id]);
      // this machine's own demo camera is another camera, though both demo cameras may carry one serial
      const local = await b.service.openCamera('demo');
      expect(local.id).not.toBe(info.id);
      expect((await b.service.listCameras()).map((c) => c.id).sort()).toEqual([info.id, local.id].sort());
      await b.service.closeCamera(local.id);

      // frames arrive, named by the local id
      await until(() => b.frames.length >= 5, 'frames of the remote camera');
      expect(new Set(b.frames.map((f) => f.camera))).toEqual(new Set([info.id]));
      expect(b.notJpeg).toEqual([]);
      // a snapshot is saved on this machine, of a frame this machine received
      const shot = await b.service.saveSnapshot(info.id, 'jpeg');
      expect(shot.path.startsWith(b.snapshotsDir)).toBe(true);

      // a config write reaches the camera on the other camdeck
      const snap = await b.service.writeConfig(info.id, { quality: 42 });
      expect(snap.values['quality']).toBe(42);
      expect((await a.service.readConfig(a.camera)).values['quality']).toBe(42);

      // the other server stops: reconnecting, saying who is unreachable
      const { port, token } = a.server;
      await a.server.close();
      await until(
        () => b.states.some((s) => s.camera === info.id && s.state.kind === 'reconnecting'),
        'the reconnecting state',
      );
      const down = b.states.find((s) => s.state.kind === 'reconnecting')!.state;
      expect(down).toMatchObject({ kind: 'reconnecting', target });
      expect(down.kind === 'reconnecting' && down.reason).toMatch(
        new RegExp(`camdeck at 127\\.0\\.0\\.1:${port} is unreachable.*camdeck serve`),
      );
      await expect(b.service.readConfig(info.id)).rejects.toMatchObject({ code: 'reconnecting' });

      await a.service.writeConfig(a.camera, { quality: 17 });
      // back on the same port with the same token: connected again, frames resume
      const again = await startServer({ service: a.service, staticDir, port, token });
      cleanups.push(() => again.close());
      const before = b.frames.length;
      await until(() => b.frames.length >= before + 5, 'frames after the other server came back');
      expect(b.states.at(-1)).toMatchObject({ camera: info.id, state: { kind: 'connected', target } });
      expect(b.frames.at(-1)!.camera).toBe(info.id);
      // what changed over there while this camdeck was away is pushed on reattaching
      await until(() => b.configs.some((c) => c.camera === info.id && c.quality === 17), 'the config pushed');

      // closed here: only the socket goes, the camera stays open over there for its other watchers
      await b.service.closeCamera(info.id);
      expect(await b.service.listCameras()).toEqual([]);
      await until(() => again.connections() === 0, 'the socket closed');
      expect((await a.service.listCameras()).map((c) => c.id)).toEqual([a.camera]);
    },
    4 * DEADLINE_MS,
  );

  it(
    'refuses a wrong token with a clear error, and a missing camera by its id',
    async () => {
      const a = await publisher();
      const b = watcher();
      const err = await b.service
        .openCamera(targetOf(a.server, a.camera), { token: 'not-the-token' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'remote-refused',
        message: expect.stringMatching(new RegExp(`camdeck at 127\\.0\\.0\\.1:${a.server.port} refused`)),
        hint: expect.stringMatching(/token .*camdeck serve.* printed/),
      });
      const missing = await b.service
        .openCamera(targetOf(a.server, 'no-such-camera'), { token: a.server.token })
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({
        code: 'no-camera',
        message: expect.stringContaining(`(it has ${a.camera})`),
      });
      expect(await b.service.listCameras()).toEqual([]);
    },
    2 * DEADLINE_MS,
  );

  it(
    'is gone here too when the other camdeck closes the camera',
    async () => {
      const a = await publisher();
      const b = watcher();
      const closed: Array<{ camera: CameraId | null; reason: string }> = [];
      b.service.on('closed', (c, camera) => closed.push({ camera, reason: c.reason }));
      const info = await b.service.openCamera(targetOf(a.server, a.camera), { token: a.server.token });
      await a.service.closeCamera(a.camera);
      await until(() => closed.length > 0, 'the closed event');
      expect(closed).toEqual([
        {
          camera: info.id,
          reason: expect.stringMatching(new RegExp(`camdeck at 127\\.0\\.0\\.1:${a.server.port} closed it`)),
        },
      ]);
      expect(await b.service.listCameras()).toEqual([]);
      await until(() => a.server.connections() === 0, 'the socket closed');
    },
    2 * DEADLINE_MS,
  );

  it('says who is unreachable when nothing listens there', async () => {
    const a = await publisher();
    const { port, token } = a.server;
    await a.server.close();
    const b = watcher();
    await expect(b.service.openCamera(`camdeck://127.0.0.1:${port}/x`, { token })).rejects.toMatchObject({
      code: 'remote-unreachable',
      message: `The camdeck at 127.0.0.1:${port} is unreachable (nothing listens on that port).`,
    });
  });

  it('is a network target: refused without allowNetwork', async () => {
    const b = watcher(false);
    await expect(b.service.openCamera('camdeck://127.0.0.1:7410/x', { token: 't' })).rejects.toMatchObject({
      code: 'network-off',
    });
  });
});

describe('parseRemoteTarget', () => {
  it('reads host, port (7410 by default) and the camera id', () => {
    expect(parseRemoteTarget('camdeck://Cam-Host.lan:7411/demo-1')).toMatchObject({
      host: 'cam-host.lan',
      port: 7411,
      camera: 'demo-1',
      at: 'cam-host.lan:7411',
    });
    expect(parseRemoteTarget('camdeck://10.0.0.5/abc')).toMatchObject({ port: 7410, at: '10.0.0.5:7410' });
    expect(parseRemoteTarget('camdeck://[::1]:7410/abc')).toMatchObject({ host: '::1', at: '[::1]:7410' });
  });

  it.each([
    ['camdeck://host:7410/', /camera id is missing/],
    ['camdeck://host:7410/Bad_Id', /not a camera id/],
    ['camdeck://host:99999/abc', /out of range/],
    ['camdeck://user:secret@host:7410/abc', /token goes beside the target/],
    ['camdeck://host:7410/abc?token=x', /query or a fragment/],
    ['camdeck://host:7410/a/b', /HOST:PORT\/CAMERA-ID/],
    ['camdeck://ho st/abc', /HOST:PORT\/CAMERA-ID/],
  ])('refuses %s as a bad target', (target, why) => {
    expect(() => parseRemoteTarget(target)).toThrow(why);
    try {
      parseRemoteTarget(target);
    } catch (e) {
      expect(e).toMatchObject({ code: 'bad-target', hint: expect.stringContaining('camdeck://HOST:PORT/') });
    }
  });
});
