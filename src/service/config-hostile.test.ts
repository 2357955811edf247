// Through the service, end to end with the simulated camera: a script whose config keys are named like
// JavaScript built-ins, and one that publishes more config than camdeck reads (CONFIG_LIMITS).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTransport } from '../host';
import { CONFIG_LIMITS } from '../model';
import type { AppError, ConfigSnapshot, ConfigValues } from '../model';
import { createLinkPair } from '../protocol';
import { createSimCam } from '../simcam';
import type { CamdeckService } from './api';
import { createCamdeckService } from './service';

const HOSTILE = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];
const hostile = (): ConfigValues =>
  JSON.parse(`{${HOSTILE.map((k, i) => `"${k}":${i + 1}`).join(',')}}`) as ConfigValues;

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** The service whose demo target is a script with a JSON `config` channel holding `initial`. */
function rig(initial: () => ConfigValues) {
  const sim = createSimCam({ demo: false });
  let values = initial();
  sim.register({
    name: 'config',
    backend: {
      size: () => new TextEncoder().encode(JSON.stringify(values)).length,
      read: (offset: number, size: number) =>
        new TextEncoder().encode(JSON.stringify(values)).subarray(offset, offset + size),
      write: (_offset: number, data: Uint8Array) => {
        // a partial update, merged as a script would (spread: a "__proto__" key stays a key)
        values = { ...values, ...(JSON.parse(new TextDecoder().decode(data)) as ConfigValues) };
        return data.length;
      },
    },
  });
  const svc: CamdeckService = createCamdeckService({
    snapshotsDir: mkdtempSync(path.join(tmpdir(), 'camdeck-cfg-')),
    extraPorts: [],
    listSerial: async () => [],
    backoffMs: [50],
    openDemo: () => {
      const [host, device] = createLinkPair();
      sim.attach(device);
      return memoryTransport(host, 'test demo');
    },
  });
  const configs: ConfigSnapshot[] = [];
  const errors: AppError[] = [];
  svc.on('config', (c) => configs.push(c));
  svc.on('error', (e) => errors.push(e));
  closers.push(
    () => sim.close(),
    () => svc.close(),
  );
  return { svc, configs, errors };
}

async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('service: a camera config with keys named like built-ins', () => {
  it('pushes, reads and writes them as own keys with their own schema', async () => {
    const r = rig(hostile);
    const { id } = await r.svc.openCamera('demo');
    await until(() => r.configs.length > 0, 'the config event');
    const snap = r.configs[0]!;
    expect(Object.entries(snap.values)).toEqual(HOSTILE.map((k, i) => [k, i + 1]));
    expect(Object.keys(snap.schema.properties)).toEqual(HOSTILE);
    for (const k of HOSTILE) expect(snap.schema.properties[k]).toEqual({ type: 'integer' });
    const patch = JSON.parse('{"__proto__":50,"constructor":60}') as ConfigValues;
    const back = await r.svc.writeConfig(id, patch);
    expect(Object.hasOwn(back.values, '__proto__') && back.values['__proto__']).toBe(50);
    expect(back.values['constructor']).toBe(60);
    expect(Object.getPrototypeOf(back.values)).toBe(Object.prototype);
  });
});

describe('service: a camera config past CONFIG_LIMITS', () => {
  it('is refused with config-too-large, a sentence and a hint, and the service keeps running', async () => {
    const many = () =>
      Object.fromEntries(Array.from({ length: CONFIG_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]));
    const r = rig(many);
    const { id } = await r.svc.openCamera('demo');
    await until(() => r.errors.length > 0, 'the error event');
    expect(r.errors[0]).toMatchObject({
      code: 'config-too-large',
      message: 'The config channel "config" has 1001 keys, more than the 1000 camdeck reads.',
      hint: expect.stringMatching(
        /^Publish at most 1000 keys \(256 KiB\) in the camera script's config channel/,
      ),
    });
    expect(r.configs).toEqual([]);
    await expect(r.svc.readConfig(id)).rejects.toMatchObject({ code: 'config-too-large' });
    expect((await r.svc.getState(id)).kind).toBe('connected');
  });
});
