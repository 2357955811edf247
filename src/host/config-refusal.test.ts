// A refused write says why: the status plus what the camera printed on stdout right after it.
import { afterEach, describe, expect, it } from 'vitest';
import { createLinkPair } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import { Camera } from './camera';
import { ConfigChannel, refusalReason, writeChannel } from './config';
import { ConfigRejectedError, WriteRefusedError } from './errors';
import { memoryTransport } from './transport';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

/** A camera whose `config` refuses anything but {"quality":N} and prints why, like the convention asks. */
async function cameraWithConfig(
  print: (cam: SimCam, why: string) => void,
): Promise<{ camera: Camera; cam: SimCam }> {
  const cam = createSimCam({ demo: false });
  let stored = '{"quality":50}';
  cam.register({
    name: 'config',
    backend: {
      size: () => stored.length,
      read: (off: number, size: number) => new TextEncoder().encode(stored).subarray(off, off + size),
      write: (_off: number, data: Uint8Array) => {
        const text = new TextDecoder().decode(data);
        let why: string | null = null;
        try {
          const v = JSON.parse(text) as Record<string, unknown>;
          const bad = Object.keys(v).find((k) => k !== 'quality');
          if (bad) why = `config: refused: unknown key "${bad}"`;
        } catch {
          why = 'config: refused: not JSON';
        }
        if (why) {
          print(cam, why);
          return 0; // → NAK FAILED
        }
        stored = text;
        return data.length;
      },
    },
  });
  cam.register({ name: 'mute', backend: { write: () => 0 } });
  const [host, device] = createLinkPair();
  cam.attach(device);
  const camera = new Camera(memoryTransport(host));
  await camera.connect();
  cleanup.push(() => {
    camera.disconnect();
    cam.close();
  });
  return { camera, cam };
}

describe("refused writes carry the camera's reason", () => {
  it('ConfigChannel: the printed line becomes the reason and part of the message', async () => {
    const { camera } = await cameraWithConfig((cam, why) => cam.print(`${why}\n`));
    const err = await new ConfigChannel(camera).write({ qualty: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigRejectedError);
    const e = err as ConfigRejectedError;
    expect(e.statusName).toBe('FAILED');
    expect(e.reason).toBe('config: refused: unknown key "qualty"');
    expect(e.message).toBe(
      'The camera refused the config write {"qualty":40} (FAILED): config: refused: unknown key "qualty".',
    );
    expect(e.hint).toMatch(/fix what was sent/);
    // accepted writes are unaffected
    expect(await new ConfigChannel(camera).write({ quality: 41 })).toEqual({ quality: 41 });
  });

  it('writeChannel: a reason printed a little after the NAK is still caught', async () => {
    const { camera } = await cameraWithConfig((cam, why) => {
      setTimeout(() => cam.print(`${why}\n`), 80);
    });
    const err = await writeChannel(camera, 'config', new TextEncoder().encode('{nope')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WriteRefusedError);
    expect((err as WriteRefusedError).reason).toBe('config: refused: not JSON');
    expect((err as WriteRefusedError).message).toMatch(
      /refused the write to "config" \(FAILED\): config: refused: not JSON\.$/,
    );
  });

  it('of several lines printed at once, the last one is the reason', async () => {
    const { camera } = await cameraWithConfig((cam, why) => cam.print(`checking…\n${why}\n`));
    const err = (await writeChannel(camera, 'config', new TextEncoder().encode('{"x":1}')).catch(
      (e: unknown) => e,
    )) as WriteRefusedError;
    expect(err.reason).toBe('config: refused: unknown key "x"');
  });

  it('a camera that prints nothing: the status alone, after a short window', async () => {
    const { camera } = await cameraWithConfig(() => undefined);
    const t0 = performance.now();
    const err = (await writeChannel(camera, 'mute', new Uint8Array([1])).catch(
      (e: unknown) => e,
    )) as WriteRefusedError;
    expect(err).toBeInstanceOf(WriteRefusedError);
    expect(err.reason).toBeUndefined();
    expect(err.message).toBe('The camera refused the write to "mute" (FAILED) and printed no reason.');
    expect(err.hint).toMatch(/gave no reason/);
    expect(performance.now() - t0).toBeLessThan(5000); // bounded by the window, not a request timeout
    expect(await refusalReason(camera, 10)).toBeUndefined();
  });
});

describe('the demo camera (simulated) prints its reason', () => {
  it.each([
    [{ qualty: 40 }, /\(FAILED\): config: refused: unknown key "qualty"\.$/],
    [{ quality: 500 }, /\(FAILED\): config: refused: .*quality.*\.$/],
  ])('%j', async (patch, message) => {
    const cam = createSimCam({ width: 160, height: 120 });
    const [host, device] = createLinkPair();
    cam.attach(device);
    const camera = new Camera(memoryTransport(host));
    cleanup.push(() => {
      camera.disconnect();
      cam.close();
    });
    await camera.connect();
    await camera.readStdout(); // the script's banner is not a reason
    const err = (await new ConfigChannel(camera)
      .write(patch)
      .catch((e: unknown) => e)) as ConfigRejectedError;
    expect(err).toBeInstanceOf(ConfigRejectedError);
    expect(err.reason).toMatch(/^config: refused: /);
    expect(err.message).toMatch(message);
  });
});
