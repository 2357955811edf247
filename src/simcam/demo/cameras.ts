// The demo cameras of `camdeck serve --demo N` and `camdeck simcam --count N`. Camera 1 is the classic demo
// camera; the others are other OpenMV boards (names and USB ids from the protocol reference §10), each with
// its own serial and a picture that tells it apart: its number drawn large, a border in its own hue.
import { derivedSerial, hash32, serialOfDevId } from '../board';
import type { SimCamOptions } from '../types';

export interface DemoBoard {
  board: string;
  usbVid: number;
  usbPid: number;
}

/** What the demo cameras cycle through, camera 1's board first. */
export const DEMO_BOARDS: readonly DemoBoard[] = [
  { board: 'OpenMV Cam H7 Plus', usbVid: 0x37c5, usbPid: 0x124a },
  { board: 'OpenMV Cam H7', usbVid: 0x37c5, usbPid: 0x1204 },
  { board: 'OpenMV RT1060', usbVid: 0x37c5, usbPid: 0x1060 },
  { board: 'OpenMV N6', usbVid: 0x37c5, usbPid: 0x1206 },
  { board: 'OpenMV AE3', usbVid: 0x37c5, usbPid: 0x16e3 },
  { board: 'OpenMV Pure Thermal', usbVid: 0x37c5, usbPid: 0x1205 },
  { board: 'OpenMV Cam M7', usbVid: 0x37c5, usbPid: 0x1202 },
];

/** Golden-angle steps from blue: neighbours get far-apart hues, however many cameras there are. */
const FIRST_HUE = 210;
const HUE_STEP = 137.5;

/**
 * Demo camera `n` (1-based). 1 is exactly the default camera (with its derived serial spelled out); every
 * other differs in board, serial and scene. The serial's last word counts up with n, so the last digits a
 * camera's label shows differ too.
 */
export function demoCameraOptions(n: number): SimCamOptions {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`demo cameras are numbered from 1, not ${n}`);
  const b = DEMO_BOARDS[(n - 1) % DEMO_BOARDS.length]!;
  const base = { board: b.board, usbVid: b.usbVid, usbPid: b.usbPid };
  if (n === 1) return { ...base, serial: derivedSerial(b.board, b.usbVid, b.usbPid) };
  const uid = hash32(`${b.board}:${b.usbVid}:${b.usbPid}:${n}`);
  return {
    ...base,
    serial: serialOfDevId([uid, hash32(String(uid)), 0x00360034 + n]),
    label: String(n),
    hue: (FIRST_HUE + (n - 2) * HUE_STEP) % 360,
  };
}

/**
 * Demo camera `n` as a camdeck service embeds it (`demo`, `demo:2`…): the same board and scene as
 * `camdeck simcam`'s camera `n`, but its own serial number — they are different cameras (one in the service's
 * process, one in the simcam's), and a camera's serial is what camdeck knows it by.
 */
export function embeddedDemoOptions(n: number): SimCamOptions {
  const o = demoCameraOptions(n);
  const serial = o.serial!;
  // the first word differs (so do the uid and the id); the last four digits, shown on tiles, stay the camera's number
  const first = ((parseInt(serial.slice(0, 8), 16) ^ 0x5a5a5a5a) >>> 0).toString(16).padStart(8, '0');
  return { ...o, serial: first + serial.slice(8) };
}
