import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../../shared/contract';
import { applySnapshot, edit, emptyConfig, isPending, takeNext } from './config-writer';
import {
  applyConnectionState,
  describeConnection,
  dismissToast,
  progressPercent,
  pushToast,
  type Toast,
} from './reducers';

const device: DeviceSummary = {
  board: 'OpenMV Cam H7 Plus',
  protocolVersion: '2.0.0',
  firmwareVersion: '5.0.0',
  usbId: '37C5:124A',
  maxPayload: 4082,
  channels: [{ id: 1, name: 'stdin', flags: 0x42, flagNames: ['WRITE', 'DYNAMIC'] }],
};
const toast = (id: number, message = `m${id}`): Toast => ({
  id,
  code: 'internal',
  message,
  at: 0,
  kind: 'error',
});

describe('toasts', () => {
  it('bounds the stack and collapses repeats', () => {
    let t: Toast[] = [];
    for (let i = 1; i <= 8; i++) t = pushToast(t, toast(i), 5);
    expect(t.map((x) => x.id)).toEqual([4, 5, 6, 7, 8]);
    t = pushToast(t, toast(9, 'm5'), 5);
    expect(t.map((x) => x.id)).toEqual([4, 6, 7, 8, 9]);
    expect(dismissToast(t, 7).map((x) => x.id)).toEqual([4, 6, 8, 9]);
  });
});

describe('connection state', () => {
  const base = {
    connection: { kind: 'disconnected' as const },
    device: null,
    channels: [],
    config: emptyConfig,
    lastError: null,
  };

  it('takes device and channels from a connected state', () => {
    const s = applyConnectionState(base, { kind: 'connected', target: 'demo', device });
    expect(s.device).toBe(device);
    expect(s.channels).toBe(device.channels);
  });

  it('drops pending config writes and records the reason on disconnect', () => {
    let config = applySnapshot(emptyConfig, {
      channel: 'config',
      values: { quality: 90 },
      schema: { properties: {} },
    });
    config = takeNext(edit(config, 'quality', 10)).state;
    const s = applyConnectionState({ ...base, config }, { kind: 'disconnected', reason: 'port vanished' }, 5);
    expect(isPending(s.config, 'quality')).toBe(false);
    expect(s.config.shown.quality).toBe(90);
    expect(s.lastError).toEqual({ code: 'disconnected', message: 'port vanished', at: 5 });
  });

  it('describes each state with the label e2e matches', () => {
    expect(describeConnection({ kind: 'connecting', target: 'demo', step: 'SYNC', progress: 0.25 })).toEqual({
      label: 'Connecting…',
      detail: 'demo: SYNC (25 %)',
    });
    expect(
      describeConnection({
        kind: 'reconnecting',
        target: '/dev/pts/3',
        reason: 'port closed',
        attempt: 2,
        nextInMs: 1500,
      }).detail,
    ).toBe('/dev/pts/3: port closed — attempt 2, next in 1.5 s');
    expect(describeConnection({ kind: 'connected', target: 'demo', device }).label).toBe('Connected');
    expect(progressPercent(40)).toBe(40);
    expect(progressPercent(2)).toBe(2);
    expect(progressPercent(0.5)).toBe(50);
  });
});
