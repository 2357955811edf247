// SimCamOptions → the resolved options: checked, with the defaults of an OpenMV Cam H7 Plus running the
// demo scenario at 640×480, 30 fps.
import { BOARD_MAX_PAYLOAD, FIRMWARE_VERSION, PROTOCOL_VERSION } from '../protocol';
import { SCENARIOS } from './demo/scenarios';
import type { ResolvedSimCamOptions, SimCamOptions } from './types';

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
  return {
    maxBuffer,
    maxPayload: BOARD_MAX_PAYLOAD[maxBuffer],
    board: o.board ?? 'OpenMV Cam H7 Plus',
    usbVid: o.usbVid ?? 0x37c5,
    usbPid: o.usbPid ?? 0x124a,
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
