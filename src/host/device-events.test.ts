import { describe, expect, it, vi } from 'vitest';
import { ChannelId, EVENT_NOTIFY, StdinEvent, SysEvent, createLinkPair } from '../protocol';
import { Camera } from './camera';
import { DeviceEventRouter } from './device-events';
import { MiniDevice } from './testing/mini-device';
import { memoryTransport } from './transport';

/** A router over a fixed channel list (ids 1 stdin, 2 stdout, 3 stream, 5 frame, 6 config). */
function rig() {
  const names = new Map<number, string>([
    [ChannelId.STDIN, 'stdin'],
    [ChannelId.STDOUT, 'stdout'],
    [ChannelId.STREAM, 'stream'],
    [5, 'frame'],
    [6, 'config'],
  ]);
  const router = new DeviceEventRouter((id) => names.get(id));
  const got: string[] = [];
  router.onReboot(() => got.push('reboot'));
  router.onChannelRegistered(() => got.push('channels'));
  router.onScript((running) => got.push(running ? 'script started' : 'script ended'));
  router.onStdout(() => got.push('stdout'));
  router.onStream(() => got.push('stream'));
  router.onChannel('frame', () => got.push('frame'));
  router.onChannel('config', () => got.push('config'));
  return { router, names, got };
}

describe('DeviceEventRouter', () => {
  it.each([
    [ChannelId.TRANSPORT, SysEvent.SOFT_REBOOT, ['reboot']],
    [ChannelId.TRANSPORT, SysEvent.CHANNEL_REGISTERED, ['channels']],
    [ChannelId.STDIN, StdinEvent.STARTED, ['script started']],
    [ChannelId.STDIN, StdinEvent.FINISHED, ['script ended']],
    [ChannelId.STDOUT, EVENT_NOTIFY, ['stdout']],
    [ChannelId.STREAM, EVENT_NOTIFY, ['stream']],
    [5, EVENT_NOTIFY, ['frame']],
    [6, EVENT_NOTIFY, ['config']],
  ])('channel %i, code %i goes to exactly its consumer', (channel, code, want) => {
    const { router, got } = rig();
    router.route({ channel, code });
    expect(got).toEqual(want);
  });

  it("an unknown channel's event, an unknown system code and a stdin NOTIFY do nothing", () => {
    const { router, got } = rig();
    router.route({ channel: 9, code: EVENT_NOTIFY });
    router.route({ channel: ChannelId.TRANSPORT, code: 0x1234 });
    router.route({ channel: ChannelId.STDIN, code: EVENT_NOTIFY });
    expect(got).toEqual([]);
  });

  it('names are looked up per event: a script channel that moves keeps its consumer', () => {
    const { router, names, got } = rig();
    names.delete(5);
    names.set(7, 'frame');
    router.route({ channel: 5, code: EVENT_NOTIFY });
    router.route({ channel: 7, code: EVENT_NOTIFY });
    expect(got).toEqual(['frame']);
  });

  it('an unhooked consumer hears no more; a throwing one does not stop the others', () => {
    const router = new DeviceEventRouter(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: string[] = [];
    const off = router.onStdout(() => got.push('first'));
    router.onStdout(() => {
      throw new Error('broken');
    });
    router.onChannel(ChannelId.STDOUT, () => got.push('waiter'));
    router.route({ channel: ChannelId.STDOUT, code: EVENT_NOTIFY });
    off();
    router.route({ channel: ChannelId.STDOUT, code: EVENT_NOTIFY });
    expect(got).toEqual(['first', 'waiter', 'waiter']);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

describe("the camera's router", () => {
  const until = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  };

  it("routes its link's events (script state, stdout), and none of a link it replaced", async () => {
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    const camera = new Camera(memoryTransport(host), { syncAttempts: 1 });
    await camera.connect();
    const stdout: number[] = [];
    camera.events.onStdout(() => stdout.push(1));
    sim.event(ChannelId.STDIN, StdinEvent.STARTED);
    sim.event(ChannelId.STDOUT, EVENT_NOTIFY);
    await until(() => stdout.length > 0);
    expect(stdout).toHaveLength(1);
    expect(camera.scriptRunning).toBe(true);

    const [host2, device2] = createLinkPair();
    new MiniDevice(device2);
    camera.attach(memoryTransport(host2));
    sim.event(ChannelId.STDOUT, EVENT_NOTIFY); // the old link: not this camera's any more
    await new Promise((r) => setTimeout(r, 20));
    expect(stdout).toHaveLength(1);
    camera.disconnect();
  });
});
