// FrameSource delivers each camera frame once: a read that returns the frame delivered last (its stamp's
// cameraFrame) is not delivered again, whether the camera replays it or a noisy link makes the host re-read.
import { afterEach, describe, expect, it } from 'vitest';
import { stampText } from '../model';
import { createSimCam } from '../simcam';
import type { SimCamOptions } from '../simcam';
import { FrameSource } from './frames';
import type { Frame } from './frames';
import { CameraSession } from './session';
import { linkedTransport } from './testing/linked-transport';

/** SOI, a COM segment with the stamp of frame `n`, SOF0 8×8, EOI: enough for parseJpeg. */
function stampedJpeg(n: number): Uint8Array {
  const com = new TextEncoder().encode(stampText({ cameraFrame: n, captureTime: 1000 + n, quality: 50 }));
  return Uint8Array.from([
    ...[0xff, 0xd8, 0xff, 0xfe, 0, com.length + 2, ...com],
    ...[0xff, 0xc0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0],
    ...[0xff, 0xd9],
  ]);
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(opts: SimCamOptions) {
  const cam = createSimCam(opts);
  const session = new CameraSession({
    timeoutMs: 600,
    backoffMs: [50, 100, 200],
    open: async () => linkedTransport(cam),
  });
  cleanups.push(
    () => cam.close(),
    () => session.disconnect(),
  );
  return { cam, session };
}

function source(session: CameraSession, channel: 'frame' | 'stream') {
  const src = new FrameSource(session.camera, { channel, idlePollMs: 100 });
  const frames: Frame[] = [];
  src.on('frame', (f) => frames.push(f));
  src.on('error', () => undefined);
  cleanups.push(() => src.stop());
  return { src, frames };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

describe('FrameSource: one camera frame is delivered once', () => {
  it('a frame channel that serves the same frame again (a replay) delivers it once; the next one is new', async () => {
    const { cam, session } = await rig({ demo: false });
    let n = 7;
    let reads = 0;
    cam.register({
      name: 'frame',
      backend: {
        size: () => stampedJpeg(n).length,
        read: (offset: number, size: number) => {
          reads++;
          return stampedJpeg(n).subarray(offset, offset + size);
        },
      },
    });
    await session.connect('sim');
    const { src, frames } = source(session, 'frame');
    src.start();
    await until(() => frames.length === 1, 'the first frame');
    for (let i = 0; i < 5; i++) {
      src.kick(); // what an event replayed after a resync, or a poll that saw the old frame, does
      await until(() => src.repeats > i, `repeat ${i + 1} read`);
    }
    expect(reads).toBeGreaterThan(5);
    expect(frames.map((f) => f.meta.cameraFrame)).toEqual([7]);
    n = 8;
    src.kick();
    await until(() => frames.length === 2, 'the next frame');
    expect(frames.map((f) => [f.meta.cameraFrame, f.meta.seq])).toEqual([
      [7, 1],
      [8, 2],
    ]);
  });

  it('under bit flips, no cameraFrame of the demo stream is delivered twice', async () => {
    const { cam, session } = await rig({ fps: 60, width: 160, height: 120 });
    await session.connect('sim');
    await session.camera.streaming(true);
    const { src, frames } = source(session, 'stream');
    src.start();
    await until(() => frames.length >= 3, 'frames on a clean link');
    // bit flips both ways, as `camdeck simcam --bitflip 1e-4`
    cam.faults.set({ bitFlipRate: 1e-4 });
    const before = frames.length;
    await until(() => frames.length >= before + 30, '30 frames under bit flips', 20_000);
    const numbers = frames.map((f) => f.meta.cameraFrame);
    expect(numbers.every((x) => typeof x === 'number')).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
  }, 30_000);
});

describe('FrameSource: a frame nobody wants is not read', () => {
  it('remembers the events while nobody wants a frame, then reads the newest once demand returns', async () => {
    const { cam, session } = await rig({ demo: false });
    let n = 1;
    let reads = 0;
    const ch = cam.register({
      name: 'frame',
      backend: {
        size: () => stampedJpeg(n).length,
        read: (offset: number, size: number) => {
          if (offset === 0) reads++;
          return stampedJpeg(n).subarray(offset, offset + size);
        },
      },
    });
    await session.connect('sim');
    let wanted = true;
    const src = new FrameSource(session.camera, { channel: 'frame', idlePollMs: 100, wanted: () => wanted });
    const frames: Frame[] = [];
    let skipped = 0;
    src.on('frame', (f) => frames.push(f));
    src.on('skipped', () => skipped++);
    src.on('error', () => undefined);
    cleanups.push(() => src.stop());
    src.start();
    await until(() => frames.length === 1, 'the first frame');
    const readsBefore = reads;

    wanted = false; // every page has a frame waiting
    for (const next of [2, 3, 4]) {
      n = next;
      await ch.sendEvent(0xffff, { waitAck: true });
    }
    await until(() => skipped === 3, 'three events skipped');
    await sleep(350); // idle probes pass meanwhile: they do not read either
    expect(frames).toHaveLength(1);
    expect(reads).toBe(readsBefore);

    wanted = true;
    src.wake();
    await until(() => frames.length === 2, 'the newest frame after the wake');
    expect(frames[1]!.meta.cameraFrame).toBe(4);
    // 2 and 3 were signalled and left unread: not drops
    expect(src.stats).toMatchObject({ frames: 2, dropped: 0, unread: 2 });
    const readsAfter = reads;
    src.wake(); // nothing signalled since: no read
    await sleep(250);
    expect(frames).toHaveLength(2);
    expect(reads - readsAfter).toBeLessThanOrEqual(1); // at most an idle probe's read of the same frame
  });

  it('reads every frame for a while after readEvery (a setting changed), whatever the demand', async () => {
    const { cam, session } = await rig({ demo: false });
    let n = 1;
    const ch = cam.register({
      name: 'frame',
      backend: {
        size: () => stampedJpeg(n).length,
        read: (offset: number, size: number) => stampedJpeg(n).subarray(offset, offset + size),
      },
    });
    await session.connect('sim');
    const src = new FrameSource(session.camera, { channel: 'frame', idlePollMs: 100, wanted: () => false });
    const frames: Frame[] = [];
    src.on('frame', (f) => frames.push(f));
    src.on('error', () => undefined);
    cleanups.push(() => src.stop());
    src.start();
    await ch.sendEvent(0xffff, { waitAck: true });
    await sleep(200);
    expect(frames).toHaveLength(0); // nobody wants a frame

    src.readEvery(60_000); // the signalled frame is read at once, and the ones after it
    await until(() => frames.length === 1, 'the frame signalled before');
    for (const next of [2, 3]) {
      n = next;
      await ch.sendEvent(0xffff, { waitAck: true });
      await until(() => frames.at(-1)?.meta.cameraFrame === next, `frame ${next}`);
    }
    expect(src.stats).toMatchObject({ frames: 3, unread: 0, dropped: 0 });
  });
});
