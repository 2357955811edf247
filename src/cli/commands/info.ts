// `camdeck info`: version, system info, caps and channels as JSON.
import { formatUsbId, lookupBoard } from '../../host';
import { parseCommandArgs } from '../args';
import { EXIT } from '../exit';
import { TARGET_HELP, TARGET_OPTIONS, openTarget, withExitCode } from './ports';

export const usage = `Usage: camdeck info [--camera T] [--ack on|off] [--max-payload N]

Prints one JSON object: target, board, usbId, version (protocol, bootloader, firmware), sysinfo,
caps (negotiated), channels (id, name, flags), device stats.

  ${TARGET_HELP}`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('info', async () => {
    const { values } = parseCommandArgs('info', argv, TARGET_OPTIONS);
    const opened = await openTarget(values);
    try {
      const { camera } = opened;
      const version = await camera.version();
      const sysinfo = await camera.systemInfo();
      const stats = await camera.deviceStats();
      const v = (x: readonly number[]): string => x.join('.');
      console.log(
        JSON.stringify(
          {
            target: opened.target,
            board: lookupBoard(sysinfo.usbVid, sysinfo.usbPid)?.board ?? 'unknown',
            usbId: formatUsbId(sysinfo.usbVid, sysinfo.usbPid),
            version: {
              protocol: v(version.protocol),
              bootloader: v(version.bootloader),
              firmware: v(version.firmware),
            },
            sysinfo,
            caps: camera.caps,
            channels: camera.channels().map((c) => ({ id: c.id, name: c.name, flags: c.flagNames })),
            deviceStats: stats,
          },
          null,
          2,
        ),
      );
      return EXIT.OK;
    } finally {
      opened.close();
    }
  });
}
