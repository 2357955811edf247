// A hostile camera's config: keys named like JavaScript built-ins are keys like any other, and a config
// (or schema) past CONFIG_LIMITS is refused with config-too-large, the oversized one before it is read.
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_LIMITS } from '../model';
import { createSimCam } from '../simcam';
import { ConfigChannel, parseConfig } from './config';
import { CameraSession } from './session';
import { linkedTransport } from './testing/linked-transport';

/** Keys a plain object already "has" (its prototype's), plus the one an assignment turns into a prototype. */
export const HOSTILE_KEYS = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];
const hostileJson = (): string => `{${HOSTILE_KEYS.map((k, i) => `"${k}":${i + 1}`).join(',')}}`;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A camera whose `config` channel serves `json()` (and whose `config.schema`, when given, serves that). */
async function cameraServing(json: () => string, schema?: () => string) {
  const cam = createSimCam({ demo: false });
  const reads = { config: 0 };
  const channel = (name: string, text: () => string, count = false) =>
    cam.register({
      name,
      backend: {
        size: () => new TextEncoder().encode(text()).length,
        read: (offset: number, size: number) => {
          if (count) reads.config++;
          return new TextEncoder().encode(text()).subarray(offset, offset + size);
        },
      },
    });
  channel('config', json, true);
  if (schema) channel('config.schema', schema);
  const session = new CameraSession({
    timeoutMs: 2000,
    open: async () => linkedTransport(cam),
  });
  cleanups.push(
    () => cam.close(),
    () => session.disconnect(),
  );
  await session.connect('sim');
  return { cfg: new ConfigChannel(session.camera), reads };
}

describe('parseConfig with keys named like built-ins', () => {
  it('keeps every key as an own property with its value (a __proto__ key does not become the prototype)', () => {
    const v = parseConfig(new TextEncoder().encode(hostileJson()));
    expect(Object.keys(v)).toEqual(HOSTILE_KEYS);
    HOSTILE_KEYS.forEach((k, i) => {
      expect(Object.hasOwn(v, k)).toBe(true);
      expect(v[k]).toBe(i + 1);
    });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('refuses more keys than CONFIG_LIMITS.maxKeys with config-too-large and a hint', () => {
    const many = Object.fromEntries(
      Array.from({ length: CONFIG_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]),
    );
    let err: unknown;
    try {
      parseConfig(new TextEncoder().encode(JSON.stringify(many)));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'config-too-large', message: /1001 keys, more than the 1000/ });
    expect((err as { hint?: string }).hint).toMatch(/^Publish at most 1000 keys \(256 KiB\)/);
    const atLimit = Object.fromEntries(Object.entries(many).slice(0, CONFIG_LIMITS.maxKeys));
    expect(Object.keys(parseConfig(new TextEncoder().encode(JSON.stringify(atLimit))))).toHaveLength(1000);
  });
});

describe('ConfigChannel against a hostile camera (simulated)', () => {
  it('reads built-in-named keys and their published schema as own keys', async () => {
    const props = Object.fromEntries(HOSTILE_KEYS.map((k) => [k, { type: 'integer', title: `T ${k}` }]));
    const { cfg } = await cameraServing(hostileJson, () => JSON.stringify({ properties: props }));
    const values = await cfg.read();
    expect(Object.entries(values)).toEqual(HOSTILE_KEYS.map((k, i) => [k, i + 1]));
    const schema = await cfg.schema();
    expect(Object.keys(schema!.properties)).toEqual(HOSTILE_KEYS);
    expect(Object.getPrototypeOf(schema!.properties)).toBe(Object.prototype);
    expect(schema!.properties['__proto__']).toEqual({ type: 'integer', title: 'T __proto__' });
  });

  it('refuses a config above CONFIG_LIMITS.maxBytes by its SIZE, before reading any of it', async () => {
    const big = JSON.stringify({ label: 'x'.repeat(CONFIG_LIMITS.maxBytes) });
    const { cfg, reads } = await cameraServing(() => big);
    await expect(cfg.read()).rejects.toMatchObject({
      code: 'config-too-large',
      message: /holds \d+ bytes, more than the 262144 camdeck reads/,
    });
    expect(reads.config).toBe(0);
  });

  it('refuses a schema with more properties than CONFIG_LIMITS.maxKeys', async () => {
    const props = Object.fromEntries(
      Array.from({ length: CONFIG_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, { type: 'integer' }]),
    );
    const { cfg } = await cameraServing(
      () => '{"quality":1}',
      () => JSON.stringify({ properties: props }),
    );
    await expect(cfg.schema()).rejects.toMatchObject({ code: 'config-too-large' });
  });
});
