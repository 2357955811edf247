// A config write says what really happened: the camera's refusal (NAK FAILED / INVALID) is told apart from
// the link's failure (a CHECKSUM / SEQUENCE / TIMEOUT NAK, a lost reply), which is decided by a read-back.
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelFlag, Opcode, Status, createLinkPair } from '../protocol';
import { Camera } from './camera';
import { ConfigChannel, ConfigUnconfirmedError, writeChannel } from './config';
import { ConfigRejectedError, ProtocolError, WriteRefusedError } from './errors';
import { MiniDevice } from './testing/mini-device';
import { memoryTransport } from './transport';

const cameras: Camera[] = [];
afterEach(() => {
  for (const c of cameras.splice(0)) c.disconnect();
});

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

/** A mini device with a JSON `config` channel that counts the writes it applied. */
async function rig() {
  const [host, device] = createLinkPair();
  const sim = new MiniDevice(device);
  let config: Record<string, unknown> = { quality: 70 };
  let applied = 0;
  sim.addChannel({
    name: 'config',
    flags: ChannelFlag.READ | ChannelFlag.WRITE | ChannelFlag.DYNAMIC,
    size: () => enc(config).length,
    read: (o, l) => enc(config).subarray(o, o + l),
    write: (_o, d) => {
      applied++;
      config = { ...config, ...(JSON.parse(new TextDecoder().decode(d)) as object) };
      return true;
    },
  });
  const camera = new Camera(memoryTransport(host), { timeoutMs: 100 });
  cameras.push(camera);
  await camera.connect();
  const sent = () => sim.received.filter((p) => p.opcode === Opcode.CHANNEL_WRITE).length;
  return { camera, sim, applied: () => applied, sent };
}

/** The next `n` WRITEs are answered with NAK `status` (the camera did not take them). */
function nakWrites(sim: MiniDevice, status: number, n = 1): void {
  sim.hooks.set(Opcode.CHANNEL_WRITE, () => (n-- > 0 ? { status } : undefined));
}

describe('config write: the camera refused vs the link failed', () => {
  it.each([
    ['CHECKSUM', Status.CHECKSUM],
    ['SEQUENCE', Status.SEQUENCE],
    ['TIMEOUT', Status.TIMEOUT],
    ['OVERFLOW', Status.OVERFLOW],
  ])('a NAK %s is the link, not a refusal: read back, sent once more, confirmed', async (_name, status) => {
    const { camera, sim, applied, sent } = await rig();
    nakWrites(sim, status);
    expect(await new ConfigChannel(camera).write({ quality: 33 })).toEqual({ quality: 33 });
    expect(sent()).toBe(2);
    expect(applied()).toBe(1);
  });

  it('a link NAK on the re-send too: not a refusal; the camera has the old value and the error says so', async () => {
    const { camera, sim, applied, sent } = await rig();
    nakWrites(sim, Status.CHECKSUM, 2);
    const err = await new ConfigChannel(camera).write({ quality: 33 }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ConfigRejectedError);
    expect(err).toBeInstanceOf(ConfigUnconfirmedError);
    const e = err as ConfigUnconfirmedError;
    expect(e).toMatchObject({ applied: false, values: { quality: 70 }, code: 'checksum' });
    expect(e.message).toBe(
      'The config write quality=33 did not reach the camera: the camera received a damaged packet (NAK CHECKSUM). The camera has quality=70.',
    );
    expect(e.hint).toMatch(/write the value again\.$/);
    expect(sent()).toBe(2); // one retry, no more
    expect(applied()).toBe(0);
  });

  it('NAK FAILED and INVALID are the camera refusing: ConfigRejectedError, never re-sent', async () => {
    for (const status of [Status.FAILED, Status.INVALID]) {
      const { camera, sim, sent } = await rig();
      nakWrites(sim, status);
      const err = await new ConfigChannel(camera).write({ quality: 33 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigRejectedError);
      expect(sent()).toBe(1);
    }
  });

  it('an ACKed write whose read-back fails says the camera took it, not that it failed or was refused', async () => {
    const { camera, sim, applied } = await rig();
    const cfg = new ConfigChannel(camera);
    sim.hooks.set(Opcode.CHANNEL_SIZE, () => ({ none: true })); // every read-back times out
    const err = await cfg.write({ quality: 55 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigUnconfirmedError);
    expect(err).toMatchObject({ applied: true, values: undefined, code: 'timeout' });
    expect((err as Error).message).toBe(
      'The camera took quality=55, but reading it back failed: the camera did not answer in time.',
    );
    expect(applied()).toBe(1);
    sim.hooks.delete(Opcode.CHANNEL_SIZE);
    expect(await cfg.read()).toEqual({ quality: 55 });
  });

  it('writeChannel: a CHECKSUM NAK passes as the link error, not as the camera refusing the write', async () => {
    const { camera, sim } = await rig();
    nakWrites(sim, Status.CHECKSUM);
    const err = await writeChannel(camera, 'config', enc({ quality: 1 })).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(WriteRefusedError);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).statusName).toBe('CHECKSUM');
  });
});
