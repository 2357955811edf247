// Frames nobody has room for are not read: the hub joins its pages' demands (each page's paced watch), a camera
// watched only by pages with a frame out and one waiting is left unread until a credit frees a slot, and the
// frames it signalled meanwhile are counted as unread, not as drops.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkedTransport } from '../host/testing/linked-transport';
import { serveContract } from '../rpc';
import type { ServiceMessage, ServicePort } from '../rpc';
import { createSimCam, demoCameraOptions } from '../simcam';
import type { CameraId, FrameDemand } from '../shared/contract';
import { FrameDemands } from './frame-demand';
import { createCamdeckService } from './service';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

function demand(watches: CameraId[], wants: CameraId[]): FrameDemand & { fire(c: CameraId | null): void } {
  const listeners = new Set<(c: CameraId | null) => void>();
  return {
    watches: (c) => watches.includes(c),
    wants: (c) => wants.includes(c),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    fire: (c) => {
      for (const l of listeners) l(c);
    },
  };
}

describe('FrameDemands: the hub joins its listeners', () => {
  it('a camera is read while someone has room for it, or nobody with a demand watches it', () => {
    const rose: Array<CameraId | null> = [];
    const join = new FrameDemands((c) => rose.push(c));
    expect(join.wanted('a')).toBe(true); // nobody said
    const full = demand(['a'], []);
    const offFull = join.add(full);
    expect([join.wanted('a'), join.wanted('b')]).toEqual([false, true]);
    const roomy = demand(['a'], ['a']);
    const offRoomy = join.add(roomy);
    expect(join.wanted('a')).toBe(true);
    offRoomy();
    expect(join.wanted('a')).toBe(false);
    expect(rose).toEqual([null]); // a listener leaving may free a camera
    full.fire('a');
    expect(rose).toEqual([null, 'a']);
    const offPlain = join.add(undefined); // a listener without a demand wants every frame
    expect(join.wanted('a')).toBe(true);
    offPlain();
    offPlain(); // twice is once
    expect(join.wanted('a')).toBe(false);
    offFull();
    expect(join.wanted('a')).toBe(true);
    full.fire('a'); // gone: not heard
    expect(rose).toEqual([null, 'a', null]);
  });
});

/** A page port in memory: what the service sends it, and a way to send it messages. */
function pagePort() {
  const sent: ServiceMessage[] = [];
  let listener: (m: unknown) => void = () => undefined;
  const closes = new Set<(reason: string) => void>();
  const port: ServicePort = {
    send: (m) => void sent.push(m),
    onMessage: (l) => {
      listener = l;
      return () => undefined;
    },
    onClose: (l) => {
      closes.add(l);
      return () => closes.delete(l);
    },
  };
  let id = 0;
  return {
    port,
    frames: () => sent.filter((m) => m.type === 'frame').length,
    watch: (cameras: CameraId[], paced: boolean) =>
      listener({ type: 'request', id: ++id, name: 'watch', args: [cameras, { paced }] }),
    credit: (camera: CameraId) => listener({ type: 'credit', camera }),
    close: () => {
      for (const l of [...closes]) l('the page went away');
    },
  };
}

describe('the service reads only the frames its pages have room for', () => {
  it('a paced page that does not credit stops the reads; a credit, a page that takes all, or a config write resumes them', async () => {
    const sim = createSimCam({ ...demoCameraOptions(1), fps: 30, width: 160, height: 120 });
    closers.push(() => sim.close());
    const svc = createCamdeckService({
      snapshotsDir: mkdtempSync(path.join(tmpdir(), 'camdeck-demand-')),
      listSerial: async () => [],
      openDemo: () => linkedTransport(sim, 'demo 1'),
    });
    closers.push(() => svc.close());
    const cam = (await svc.openCamera('demo')).id;
    const frames = async () => (await svc.getStats(cam)).frames;
    await until(async () => (await frames()).received >= 3, 'frames read with nobody watching');

    const a = pagePort();
    const served = serveContract(svc, a.port);
    closers.push(() => served.close());
    a.watch([cam], true);
    await until(() => a.frames() === 1, 'the first frame sent to the paced page');
    // one frame out, one waiting: the reads stop, the camera's frames are left unread
    await sleep(300);
    const stalled = await frames();
    await until(async () => (await frames()).unread >= stalled.unread + 10, 'frames left unread');
    const later = await frames();
    expect(later.received - stalled.received).toBeLessThanOrEqual(1);
    expect(a.frames()).toBe(1);
    expect(later.dropped).toBe(stalled.dropped); // unread is not dropped
    // the camera's rate still reads as the camera's: its frames' own numbers say so
    expect(later.fps).toBeGreaterThan(20);

    // a credit: the waiting frame goes at once, and one more is read to wait in its place
    a.credit(cam);
    await until(() => a.frames() === 2, 'the waiting frame after the credit');
    await until(
      async () => (await frames()).received >= later.received + 1,
      'the read that refills the slot',
    );

    // another page that takes every frame: the camera is read at its rate again
    const b = pagePort();
    const servedB = serveContract(svc, b.port);
    closers.push(() => servedB.close());
    b.watch([cam], false);
    await until(() => b.frames() >= 10, 'every frame to the unpaced page');
    const withB = await frames();

    // that page leaves: reads stop again (the paced page still has one out and one waiting)
    b.close();
    await sleep(300);
    const afterB = await frames();
    await sleep(500);
    expect((await frames()).received - afterB.received).toBeLessThanOrEqual(1);
    expect(afterB.received).toBeGreaterThan(withB.received - 1);

    // a config write: every frame is read for a while, so the frames at the new setting come without delay
    const beforeWrite = await frames();
    await svc.writeConfig(cam, { quality: 40 });
    await until(
      async () => (await frames()).received >= beforeWrite.received + 5,
      'frames read after a config write',
    );

    // the paced page leaves too: nobody with a demand watches the camera, it is read as ever
    a.close();
    const gone = await frames();
    await until(async () => (await frames()).received >= gone.received + 10, 'reads with no page watching');
  }, 30_000);
});
