// The DeviceSummary of a connected camera, from what connect() learned (versions, system info, channels).
import type { ChannelInfo, DeviceSummary } from '../model';
import type { SysInfo, VersionInfo } from '../protocol';
import { formatUsbId, lookupBoard } from './boards';

export interface DeviceFacts {
  version?: VersionInfo;
  sysInfo?: SysInfo;
  maxPayload: number;
  channels: ChannelInfo[];
  /** A name that beats the USB id's board (the embedded demo camera reports an H7 Plus id). */
  board?: string;
}

export function summarizeDevice(f: DeviceFacts): DeviceSummary {
  const { version: v, sysInfo: s } = f;
  return {
    board: f.board ?? lookupBoard(s?.usbVid, s?.usbPid)?.board ?? 'OpenMV camera',
    protocolVersion: v ? Array.from(v.protocol).join('.') : '',
    firmwareVersion: v ? Array.from(v.firmware).join('.') : '',
    usbId: s ? formatUsbId(s.usbVid, s.usbPid) : '',
    ...(s && s.devId.some((w) => w !== 0) ? { uid: uidHex(s.devId) } : {}),
    maxPayload: f.maxPayload,
    channels: f.channels,
  };
}

/** SYS_INFO dev_id as hex: dev_id[0] (the most significant word) first, 8 lower-case digits a word. */
function uidHex(devId: readonly number[]): string {
  return devId.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}
