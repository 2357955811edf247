// SimCamOptions → the resolved options: checked, with the defaults of an OpenMV Cam H7 Plus running the
// demo scenario at 640×480, 30 fps.
import { BOARD_MAX_PAYLOAD, FIRMWARE_VERSION, PROTOCOL_VERSION } from '../protocol';
import { SERIAL_DIGITS, derivedSerial } from './board';
import { drawable } from './demo/glyphs';
import { SCENARIOS } from './demo/scenarios';
import type { ResolvedSimCamOptions, SceneLook, SimCamOptions } from './types';

/** The longest label the scene draws. */
export const MAX_LABEL = 12;

/** A given serial → 24 lower-case hex digits (a RangeError saying what a serial is, when it is none). */
export function normalizeSerial(serial: string): string {
  if (!/^[0-9a-f]{1,24}$/i.test(serial) || /^0+$/.test(serial)) {
    throw new RangeError(
      `serial must be 1 to ${SERIAL_DIGITS} hex digits, not all zeros (the board's unique id), not "${serial}"`,
    );
  }
  return serial.toLowerCase().padStart(SERIAL_DIGITS, '0');
}

function checkLook(label: string | undefined, hue: number | undefined): SceneLook {
  const look: SceneLook = {};
  if (label !== undefined && label !== '') {
    const text = label.toUpperCase();
    if (text.length > MAX_LABEL || !drawable(text)) {
      throw new RangeError(
        `label must be up to ${MAX_LABEL} of 0-9, A-Z, space and - # . : (got "${label}")`,
      );
    }
    look.label = text;
  }
  if (hue !== undefined) {
    if (!Number.isFinite(hue)) throw new RangeError(`hue must be a number of degrees, not ${hue}`);
    look.hue = ((hue % 360) + 360) % 360;
  }
  return look;
}

export function resolveOptions(o: SimCamOptions): ResolvedSimCamOptions {
  const maxBuffer = o.maxBuffer ?? 4096;
  if (!(maxBuffer in BOARD_MAX_PAYLOAD)) throw new RangeError(`maxBuffer must be 512, 4096 or 8192`);
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 16 ||
    height < 16 ||
    width * height > 4096 * 4096
  ) {
    throw new RangeError(`bad frame size ${width}x${height}`);
  }
  const fps = o.fps ?? 30;
  if (!(fps > 0 && fps <= 1000)) throw new RangeError(`fps must be in (0, 1000]`);
  const scenario = o.scenario ?? 'demo';
  if (!SCENARIOS[scenario]) {
    throw new RangeError(`unknown scenario "${scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  const board = o.board ?? 'OpenMV Cam H7 Plus';
  const usbVid = o.usbVid ?? 0x37c5;
  const usbPid = o.usbPid ?? 0x124a;
  return {
    maxBuffer,
    maxPayload: BOARD_MAX_PAYLOAD[maxBuffer],
    board,
    usbVid,
    usbPid,
    serial: o.serial === undefined ? derivedSerial(board, usbVid, usbPid) : normalizeSerial(o.serial),
    look: checkLook(o.label, o.hue),
    firmwareVersion: o.firmwareVersion ?? [...FIRMWARE_VERSION],
    protocolVersion: o.protocolVersion ?? [...PROTOCOL_VERSION],
    bootloaderVersion: o.bootloaderVersion ?? [4, 0, 0],
    fps,
    width,
    height,
    scenario,
    demo: o.demo ?? true,
    streamEnabled: o.streamEnabled ?? false,
  };
}
