import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelFlag, Ioctl, createLinkPair, readU32s } from '../protocol';
import type { ByteLink } from '../protocol';
import { describePorts, pickCamera } from './ports';
import { CameraSession } from './session';
import type { ConnectionState } from '../model';
import { MiniDevice } from './testing/mini-device';
import { memoryTransport, parseTarget } from './transport';
import { serialOpenError } from './open-transport';

afterEach(() => vi.useRealTimers());

/** A "port" that can be unplugged: each open makes a fresh device unless the port is gone. */
function fakePort() {
  const state = { present: true, opens: 0, streamCtrl: [] as number[], device: null as ByteLink | null };
  const open = async () => {
    state.opens++;
    if (!state.present) throw new Error('no port /dev/fake');
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    sim.addChannel({
      name: 'stream',
      flags: ChannelFlag.READ | ChannelFlag.LOCK | ChannelFlag.STREAM,
      size: () => 0,
      ioctl: (req, arg) => {
        if (req === Ioctl.STREAM_CTRL) state.streamCtrl.push(readU32s(arg)[0]!);
        return true;
      },
    });
    state.device = device;
    return memoryTransport(host, '/dev/fake');
  };
  return { state, open };
}

describe('CameraSession', () => {
  it('reports progress, reconnects with backoff after an unplug, restores streaming, stops after disconnect', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const port = fakePort();
    const session = new CameraSession({ open: port.open, backoffMs: [100, 200, 400] });
    const states: ConnectionState[] = [];
    session.on('state', (s) => states.push(s));
    await session.connect('/dev/fake');
    expect(states.map((s) => s.kind)).toContain('connecting');
    expect(session.state.kind).toBe('connected');
    await session.camera.streaming(true);
    expect(port.state.streamCtrl).toEqual([1]);

    // unplug: the link closes and the port is gone for a while
    port.state.present = false;
    port.state.device!.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toMatchObject({ kind: 'reconnecting', attempt: 1, nextInMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    expect(session.state).toMatchObject({ kind: 'reconnecting', attempt: 2, nextInMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(session.state).toMatchObject({ kind: 'reconnecting', attempt: 3, nextInMs: 400 });
    port.state.present = true;
    await vi.advanceTimersByTimeAsync(400);
    await vi.waitFor(() => expect(session.state.kind).toBe('connected'));
    expect(port.state.streamCtrl).toEqual([1, 1]); // streaming restored on the new link
    expect(port.state.opens).toBe(4);

    await session.disconnect();
    expect(session.state).toEqual({ kind: 'disconnected', reason: 'disconnected by user' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(port.state.opens).toBe(4); // no retry after an explicit disconnect
  });

  it('rejects the first connect when the port cannot be opened, with no retry loop', async () => {
    const port = fakePort();
    port.state.present = false;
    const session = new CameraSession({ open: port.open });
    await expect(session.connect('/dev/fake')).rejects.toThrow(/no port/);
    expect(session.state.kind).toBe('disconnected');
    await new Promise((r) => setTimeout(r, 20));
    expect(port.state.opens).toBe(1);
  });
});

describe('connection state', () => {
  it('names the target on every step, the device once connected, and keeps that device up to date', async () => {
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    const session = new CameraSession({
      open: async () => memoryTransport(host, 'memory'),
      boardName: (t) => (t === 'sim' ? 'Simulated board' : undefined),
    });
    const states: ConnectionState[] = [];
    session.on('state', (s) => states.push(s));
    await session.connect('sim');
    expect(states.length).toBeGreaterThan(2);
    for (const s of states) expect(s).toMatchObject({ target: 'sim' });
    expect(session.state).toMatchObject({
      kind: 'connected',
      device: { board: 'Simulated board', usbId: '37C5:124A', protocolVersion: '1.0.2', maxPayload: 4082 },
    });
    expect(session.state).toBe(session.camera.state); // the camera's state, as it is
    // a channel registered later: the connected state's device lists it too, without a new state
    const n = states.length;
    sim.addChannel({ name: 'temp', flags: ChannelFlag.READ, size: () => 4 });
    await session.camera.refreshChannels();
    expect(states.length).toBe(n);
    const s = session.state;
    expect(s.kind === 'connected' && s.device.channels.find((c) => c.name === 'temp')).toMatchObject({
      flagNames: ['READ'],
    });
    await session.disconnect();
  });
});

describe('discovery and targets', () => {
  const raw = [
    { path: '/dev/ttyS0' },
    { path: '/dev/ttyACM1', vendorId: '37c5', productId: '124a', serialNumber: 'B', manufacturer: 'OpenMV' },
    { path: '/dev/ttyACM0', vendorId: '2341', productId: '045f', serialNumber: 'A' },
    { path: '/dev/ttyACM2', vendorId: '37c5', productId: '9203' },
  ];

  it('names known boards, marks cameras and sorts them first', () => {
    const ports = describePorts(raw);
    expect(ports[0]).toMatchObject({
      path: '/dev/ttyACM0',
      board: 'Arduino Nicla Vision',
      isCamera: true,
      serialNumber: 'A',
    });
    expect(ports[1]).toMatchObject({
      path: '/dev/ttyACM1',
      board: 'OpenMV Cam H7 Plus',
      vid: 0x37c5,
      pid: 0x124a,
    });
    expect(ports.find((p) => p.path === '/dev/ttyACM2')).toMatchObject({
      isCamera: false,
      board: 'OpenMV Cam H7 (DFU bootloader)',
    });
    expect(ports.find((p) => p.path === '/dev/ttyS0')!.isCamera).toBe(false);
  });

  it('auto-picks only when exactly one camera is attached', () => {
    expect(pickCamera(describePorts(raw.slice(1, 2)))).toMatchObject({ port: { path: '/dev/ttyACM1' } });
    expect(pickCamera(describePorts(raw))).toMatchObject({
      error: expect.stringMatching(/2 cameras found.*serial A/),
    });
    expect(pickCamera(describePorts([raw[0]!]))).toMatchObject({
      error: expect.stringMatching(/no OpenMV camera/),
    });
  });

  it('drops macOS tty.* twins of cu.* ports', () => {
    const ports = describePorts([{ path: '/dev/cu.usbmodem1' }, { path: '/dev/tty.usbmodem1' }]);
    expect(ports.map((p) => p.path)).toEqual(['/dev/cu.usbmodem1']);
  });

  it('parses targets and explains open errors', () => {
    expect(parseTarget('udp://10.0.0.2:5555')).toEqual({ kind: 'udp', host: '10.0.0.2', port: 5555 });
    expect(parseTarget('tcp://localhost')).toEqual({ kind: 'tcp', host: 'localhost', port: 5555 });
    expect(parseTarget('/dev/ttyACM0')).toEqual({ kind: 'serial', path: '/dev/ttyACM0' });
    expect(() => parseTarget('http://x')).toThrow(/unsupported/);
    expect(
      serialOpenError('/dev/x', new Error('Error: Permission denied, cannot open /dev/x')),
    ).toMatchObject({
      code: 'port-permission',
      hint: expect.stringMatching(/dialout/),
    });
    expect(
      serialOpenError('/dev/x', new Error('Error: No such file or directory, cannot open /dev/x')).code,
    ).toBe('port-not-found');
    expect(
      serialOpenError('/dev/x', new Error('Error Resource temporarily unavailable Cannot lock port')).code,
    ).toBe('port-busy');
  });
});
