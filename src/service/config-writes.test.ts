// Config writes through the service report what really happened, counted from the camera's side: the demo
// config backend counts the writes it applied. Under bit flips and dropped bytes (1e-4 per byte each, both
// directions) with frames flowing: no write reported failed that was applied, none confirmed that was not,
// none applied twice, and nearly all confirmed. A write issued while the link resyncs waits for it.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkedTransport } from '../host/testing/linked-transport';
import type { ConnectionState } from '../model';
import { createSimCam } from '../simcam';
import type { ConfigBackend } from '../simcam/demo/config';
import type { CamdeckService } from './api';
import { createCamdeckService } from './service';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function connectedDemo() {
  const sim = createSimCam({ fps: 20, width: 160, height: 120 });
  const svc: CamdeckService = createCamdeckService({
    snapshotsDir: mkdtempSync(path.join(tmpdir(), 'camdeck-cfgw-')),
    backoffMs: [50, 100, 200],
    statsIntervalMs: 1000,
    openDemo: () => linkedTransport(sim, 'test demo'),
  });
  closers.push(
    () => sim.close(),
    () => svc.close(),
  );
  const states: ConnectionState[] = [];
  let frames = 0;
  svc.on('state', (s) => states.push(s));
  svc.onFrame(() => frames++);
  const { id } = await svc.openCamera('demo');
  await until(() => frames >= 3);
  const backend = sim.parts.config as ConfigBackend;
  return { sim, svc, id, states, backend, frames: () => frames };
}

/** Poll a condition (no timing asserted: the test's own timeout is the bound). */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

describe('config writes through the service', () => {
  it('a write issued while the link resyncs waits for it instead of failing with not-connected', async () => {
    const { sim, svc, id, states, backend } = await connectedDemo();
    sim.faults.stall(1500);
    // a request times out on the stalled camera, and the resync's SYNC waits for the stall to end
    const poke = svc.readChannel(id, 'temp').catch(() => undefined);
    await until(() => states.at(-1)?.kind === 'resyncing');
    const before = backend.applied;
    const snap = await svc.writeConfig(id, { quality: 42 });
    expect(snap.values.quality).toBe(42);
    expect(backend.applied - before).toBe(1);
    expect(states.at(-1)?.kind).toBe('connected');
    await poke;
  }, 20_000);

  it('under bit flips and dropped bytes (1e-4 each): every write reports what the camera did', async () => {
    const { sim, svc, id, states, backend, frames } = await connectedDemo();
    const statesBefore = states.length;
    sim.faults.set({ bitFlipRate: 1e-4, dropRate: 1e-4 });
    const framesBefore = frames();
    const n = 60;
    const outcome = {
      confirmed: 0,
      failedNotApplied: 0,
      failedButApplied: 0,
      confirmedNotApplied: 0,
      appliedTwice: 0,
      cameraRejected: 0,
    };
    const codes: string[] = [];
    for (let i = 0; i < n; i++) {
      const quality = 10 + (i % 30); // each write differs from the one before it
      const before = backend.applied;
      let ok = false;
      try {
        ok = (await svc.writeConfig(id, { quality })).values.quality === quality;
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'none';
        codes.push(code);
        if (code === 'config-rejected') outcome.cameraRejected++;
      }
      // writes run one at a time: what the camera applied since the last one is this write's
      const applied = backend.applied - before;
      if (applied > 1) outcome.appliedTwice++;
      if (ok && applied > 0) outcome.confirmed++;
      else if (ok) outcome.confirmedNotApplied++;
      else if (applied > 0) outcome.failedButApplied++;
      else outcome.failedNotApplied++;
    }
    sim.faults.set({ bitFlipRate: 0, dropRate: 0 });
    // nothing lands late: a clean read now finds the last write's outcome as counted
    const last = backend.applied;
    await svc.readConfig(id);
    expect(backend.applied).toBe(last);
    const resyncs = states.slice(statesBefore).filter((s) => s.kind === 'resyncing').length;
    console.info(
      `config writes under 1e-4 flips + drops: ${JSON.stringify({ n, ...outcome, codes, resyncs })}`,
    );
    expect(resyncs).toBeGreaterThan(0); // the faults did hit the link
    expect(outcome.failedButApplied).toBe(0);
    expect(outcome.confirmedNotApplied).toBe(0);
    expect(outcome.appliedTwice).toBe(0);
    expect(outcome.cameraRejected).toBe(0);
    expect(outcome.confirmed).toBeGreaterThanOrEqual(Math.ceil(0.95 * n));
    await until(() => frames() > framesBefore); // and frames keep flowing
  }, 30_000);
});
