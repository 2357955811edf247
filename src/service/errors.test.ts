import { describe, expect, it } from 'vitest';
import { ServiceError, asServiceError, classifyError, toAppError } from './errors';
import { udevHint } from './udev-hint';
import {
  BadTargetError,
  ChannelNotFoundError,
  ChecksumError,
  ConfigFormatError,
  ConfigRejectedError,
  DeviceResponseError,
  DisconnectedError,
  HostError,
  NoAnswerError,
  PortOpenError,
  ProtocolError,
  RebootError,
  SequenceError,
  TimeoutError,
  WriteRefusedError,
} from '../host';
import { ERROR_CODES, NAK_CODES } from '../model';
import type { ErrorCode } from '../model';
import { Opcode, Status } from '../protocol';

describe('classifyError', () => {
  it('maps a permission failure to port-permission with what to do (the udev command on Linux)', () => {
    const c = classifyError(
      Object.assign(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), { code: 'EACCES' }),
    );
    expect(c.code).toBe('port-permission');
    expect(c.hint).toBe(udevHint());
    if (process.platform === 'linux') expect(c.hint).toContain('/etc/udev/rules.d/');
  });
  it('maps config errors by their codes (the host calls a bad config config-invalid too)', () => {
    expect(classifyError(new ConfigRejectedError('no', 'FAILED')).code).toBe('config-rejected');
    const fmt = new ConfigFormatError('bad');
    expect(classifyError(fmt).code).toBe('config-invalid');
  });
  it('keeps ServiceError codes and falls back to internal', () => {
    expect(classifyError(new ServiceError('not-connected', 'x', 'h'))).toEqual({
      code: 'not-connected',
      message: 'x',
      hint: 'h',
    });
    expect(classifyError('weird').code).toBe('internal');
    expect(toAppError(new Error('request timed out'), () => 7)).toMatchObject({ code: 'timeout', at: 7 });
    expect(asServiceError(new Error('ENOENT: no such file')).code).toBe('port-not-found');
  });
});

describe('classifyError: every error is a sentence with a hint, never a raw Node error', () => {
  const errno = (code: string, message: string, extra: Record<string, unknown> = {}): Error =>
    Object.assign(new Error(message), { code, ...extra });

  it.each([
    [
      'ECONNREFUSED',
      errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', { address: '127.0.0.1', port: 1 }),
      'connection-refused',
      'Nothing is listening at 127.0.0.1:1.',
      /address and that it is powered on/,
    ],
    [
      'EHOSTUNREACH',
      errno('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.9:5555', { address: '10.0.0.9', port: 5555 }),
      'host-unreachable',
      '10.0.0.9:5555 cannot be reached from this machine.',
      /same network/,
    ],
    [
      'ENOTFOUND',
      errno('ENOTFOUND', 'getaddrinfo ENOTFOUND cam.local', { hostname: 'cam.local' }),
      'host-not-found',
      'The host name cam.local could not be resolved.',
      /IP address/,
    ],
    [
      'ENOENT',
      errno('ENOENT', 'Error: No such file or directory, cannot open /dev/ttyACM7'),
      'port-not-found',
      'There is no port /dev/ttyACM7.',
      /cable/,
    ],
    [
      'EBUSY',
      errno('EBUSY', 'Error Resource busy, cannot open /dev/ttyACM0'),
      'port-busy',
      'The port /dev/ttyACM0 is in use by another program.',
      /close it/,
    ],
    [
      'EACCES',
      errno('EACCES', 'Error: Permission denied, cannot open /dev/ttyACM0'),
      'port-permission',
      'Permission denied opening /dev/ttyACM0.',
      /./,
    ],
  ])('%s', (_name, err, code, message, hint) => {
    const c = classifyError(err);
    expect(c).toMatchObject({ code, message });
    expect(c.hint).toMatch(hint);
    expect(c.message).not.toMatch(/\bE[A-Z]{4,}\b/); // no errno code shown as text
  });

  it('a host timeout reads as a sentence, without opcode names', () => {
    const t = Object.assign(new Error('PROTO_SYNC on channel 0: no answer within 1009 ms'), {
      name: 'TimeoutError',
      code: 'timeout',
    });
    expect(classifyError(t)).toEqual({
      code: 'timeout',
      message: 'The camera did not answer in time.',
      hint: expect.stringMatching(/powered on/),
    });
    expect(
      classifyError(
        errno('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.2:5555', { address: '10.0.0.2', port: 5555 }),
      ),
    ).toMatchObject({ code: 'timeout', message: 'No answer from 10.0.0.2:5555 in time.' });
  });

  it("an unknown scheme is a bad target (the caller's mistake), not internal", () => {
    expect(
      classifyError(new RangeError('unsupported target "foo://x" (use udp:// or tcp://)')),
    ).toMatchObject({
      code: 'bad-target',
      hint: expect.stringMatching(/udp:\/\/host:port/),
    });
    const typed = Object.assign(new Error('"foo://x" uses the unsupported scheme foo://.'), {
      code: 'bad-target',
    });
    expect(classifyError(typed).code).toBe('bad-target');
  });

  it('host typed errors keep their code and hint; "link closed" becomes a sentence; NAKs name the status', () => {
    const typed = Object.assign(new Error('Nothing is listening at h:1.'), {
      code: 'connection-refused',
      hint: 'H.',
    });
    expect(classifyError(typed)).toEqual({
      code: 'connection-refused',
      message: 'Nothing is listening at h:1.',
      hint: 'H.',
    });
    expect(classifyError(Object.assign(new Error('link closed'), { code: 'disconnected' }))).toMatchObject({
      message: "The camera's link closed.",
      hint: expect.stringMatching(/connect again/),
    });
    expect(
      classifyError(
        Object.assign(new Error('CHANNEL_WRITE on channel 5 failed: INVALID'), { code: 'nak-invalid' }),
      ),
    ).toMatchObject({
      message: 'The camera refused the request (status INVALID).',
      hint: expect.any(String),
    });
  });

  it('a camera that never answers SYNC: a sentence, not the opcode text', () => {
    const e = Object.assign(
      new Error(
        'camera not answering SYNC after 3 attempts: PROTO_SYNC on channel 0: no answer within 1009 ms',
      ),
      { code: 'no-answer', hint: 'check that the camera runs OpenMV firmware 5.x' },
    );
    expect(classifyError(e)).toMatchObject({ code: 'no-answer', message: 'The camera did not answer.' });
  });

  it('a request cut short by a camera reboot: a sentence, not the opcode text', () => {
    const c = classifyError(new RebootError('CHANNEL_WRITE on channel 5'));
    expect(c).toMatchObject({ code: 'reboot', message: 'The camera rebooted before it answered.' });
    expect(c.hint).toMatch(/resynced/);
  });

  it('an unclassifiable error is internal, still with a hint', () => {
    expect(classifyError(new Error('boom'))).toMatchObject({
      code: 'internal',
      hint: expect.stringMatching(/report/),
    });
  });
});

describe('classifyError: channel not found', () => {
  it("names the channel in the message and lists the camera's channels in the hint", () => {
    const e = new ChannelNotFoundError('nope', ['stdin', 'stdout', 'frame']);
    expect(e.message).toBe('no channel "nope" (camera has: stdin, stdout, frame)');
    expect(classifyError(e)).toEqual({
      code: 'channel-not-found',
      message: 'The camera has no channel "nope".',
      hint: 'Its channels: stdin, stdout, frame. The camera script registers them; check the name.',
    });
  });
});

describe('the table: one sentence and one hint for every code', () => {
  const isSentence = (s: string): boolean => /^[A-Z"'a-z].*[.!?)]$/.test(s) && !/\bE[A-Z]{4,}\b/.test(s);

  it.each(ERROR_CODES.map((c) => [c]))('%s', (code) => {
    // with no text of its own, the table says it; with text, the code survives and a hint comes along
    for (const text of ['', 'the error text.']) {
      const c = classifyError(Object.assign(new Error(text), { code }));
      expect(c.code).toBe(code);
      expect(isSentence(c.message), c.message).toBe(true);
      expect(isSentence(c.hint), c.hint).toBe(true);
    }
  });

  it("a service error without a hint gets the code's", () => {
    expect(classifyError(new ServiceError('no-config', 'no config channel')).hint).toMatch(/config/);
  });

  it('a code that is not one of ours is not passed on: the error is classified like any foreign one', () => {
    expect(classifyError(Object.assign(new Error('boom'), { code: 'made-up' })).code).toBe('internal');
  });
});

describe('every host error class maps to its code', () => {
  const cases: [string, Error, ErrorCode][] = [
    ['ProtocolError INVALID', new ProtocolError(Status.INVALID, Opcode.CHANNEL_WRITE, 5), 'nak-invalid'],
    ['ProtocolError BUSY', new ProtocolError(Status.BUSY, Opcode.CHANNEL_WRITE, 5), 'busy'],
    ['ProtocolError of an unknown status', new ProtocolError(42, Opcode.CHANNEL_WRITE, 5), 'nak-unknown'],
    ['TimeoutError', new TimeoutError('PROTO_SYNC on channel 0', 1000), 'timeout'],
    ['SequenceError', new SequenceError(3, 5), 'sequence'],
    ['ChecksumError', new ChecksumError('CHANNEL_READ on channel 5'), 'checksum'],
    ['RebootError', new RebootError('CHANNEL_WRITE on channel 5'), 'reboot'],
    ['DeviceResponseError', new DeviceResponseError('SIZE reply of 2 bytes'), 'bad-response'],
    ['DisconnectedError', new DisconnectedError(), 'disconnected'],
    ['NoAnswerError', new NoAnswerError('camera not answering SYNC', 'connect'), 'no-answer'],
    [
      'PortOpenError',
      new PortOpenError('/dev/x is in use by another program.', 'port-busy', 'Close it.'),
      'port-busy',
    ],
    ['BadTargetError', new BadTargetError('"foo://x" uses the unsupported scheme foo://.'), 'bad-target'],
    ['ChannelNotFoundError', new ChannelNotFoundError('nope', []), 'channel-not-found'],
    ['WriteRefusedError', new WriteRefusedError('refused', 'FAILED'), 'write-refused'],
    ['ConfigRejectedError', new ConfigRejectedError('refused', 'FAILED', 'unknown key'), 'config-rejected'],
    ['ConfigFormatError', new ConfigFormatError('not JSON'), 'config-invalid'],
    ['HostError', new HostError('poll dropped: resync', 'purged'), 'purged'],
  ];
  it.each(cases)('%s', (_name, err, code) => {
    expect((err as HostError).code).toBe(code);
    const c = classifyError(err);
    expect(c.code).toBe(code);
    expect(c.hint).toMatch(/[.!?)]$/);
  });

  it('every NAK status but BUSY has its own code', () => {
    for (const [name, status] of Object.entries(Status)) {
      if (status === Status.SUCCESS || status === Status.BUSY) continue;
      const code = new ProtocolError(status, Opcode.CHANNEL_WRITE, 1).code;
      expect(code).toBe(`nak-${name.toLowerCase()}`);
      expect(NAK_CODES).toContain(code);
    }
  });

  it("says from the user's side what the host says in opcodes", () => {
    expect(classifyError(new NoAnswerError('camera stopped answering (resync)', 'resync')).message).toBe(
      'The camera stopped answering.',
    );
    expect(classifyError(new DisconnectedError()).message).toBe("The camera's link closed.");
    expect(classifyError(new DisconnectedError('the camera closed the connection')).message).toBe(
      'the camera closed the connection',
    );
    expect(classifyError(new ProtocolError(42, Opcode.CHANNEL_WRITE, 5)).message).toBe(
      'The camera refused the request (status STATUS_42).',
    );
  });
});
