// `camdeck bench`: frame reads/s, bulk READ MB/s (ACK on/off), round trips and connect time against a camera.
import { runHostBench } from '../../host';
import type { HostBenchResult, Transport } from '../../host';
import { DEMO_TARGET } from '../../model';
import { inProcessCamera, targetOpener } from '../../service/targets';
import type { InProcessCamera } from '../../service/targets';
import { createSimCam, registerBenchChannels } from '../../simcam';
import { parseCommandArgs, positiveOption } from '../args';
import { EXIT } from '../exit';
import { printable } from '../printable';
import {
  CAMERA_HELP,
  CAMERA_OPTIONS,
  LINK_OPTIONS,
  cameraTarget,
  channelRef,
  linkOptions,
  resolveTarget,
  toCliError,
  withExitCode,
} from './ports';

export const usage = `Usage: camdeck bench [--camera T] [--seconds N] [--channel CH] [--max-payload N] [--json]

Measures against the camera (--camera): connect time; small-command and config-write round trips
(p50/p99; the config write re-sends a value the camera already has, so nothing changes); frame
reads/s on the stream channel (LOCK → SIZE → READ → UNLOCK) with BUSY answers per frame; bulk READ
MB/s of one frame with ACK on and with ACK off. The camera must be streaming for frame figures.
With --camera demo an in-process simulated camera serves a fixed ~31 KB JPEG as fast as the
firmware's 11 ms lock grid allows. For the raw-pty comparison run \`npm run bench:host\`.

  ${CAMERA_HELP}
  --seconds N    seconds of frame reads (default 3)
  --channel CH   frame channel (default: stream, or "benchframe" on the demo camera)
  --max-payload N  ask for at most N payload bytes per packet (e.g. 498 to measure like an OpenMV2/3
                 board on a larger one)
  --json         print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('bench', async () => {
    const { values } = parseCommandArgs('bench', argv, {
      ...CAMERA_OPTIONS,
      seconds: { type: 'string' },
      channel: { type: 'string' },
      'max-payload': LINK_OPTIONS['max-payload'],
      json: { type: 'boolean' },
    });
    const seconds = positiveOption('bench', 'seconds', values.seconds) ?? 3;
    const camera = linkOptions({ 'max-payload': values['max-payload'] });
    const target = await resolveTarget(cameraTarget(values));
    const demo = target === DEMO_TARGET;
    const targets = targetOpener(demoCamera);
    const open = async (): Promise<Transport> => {
      try {
        return await targets.open(target);
      } catch (err) {
        throw toCliError(err);
      }
    };
    // the bench's lines may name the camera's channels: escaped on their way to the terminal
    const log = values.json ? undefined : (l: string) => console.log(printable(l));
    let result: HostBenchResult;
    try {
      result = await runHostBench({
        open,
        frameChannel: channelRef(values.channel ?? (demo ? 'benchframe' : 'stream')),
        bulkChannel: demo ? 'bulk' : undefined,
        frameSeconds: seconds,
        camera,
        log,
      });
    } finally {
      targets.close();
    }
    if (values.json) console.log(JSON.stringify({ target, ...result }, null, 2));
    return result.frames ? EXIT.OK : EXIT.FAILURE;
  });
}

/** The simulated camera with a script that snapshots a fixed ~31 KB JPEG as fast as it is taken. */
function demoCamera(): InProcessCamera {
  const cam = createSimCam({ demo: false });
  // a ~31 KB stand-in JPEG (SOI … EOI): the host only frames it, never decodes it
  const jpeg = new Uint8Array(31_000);
  jpeg.set([0xff, 0xd8]);
  jpeg.set([0xff, 0xd9], jpeg.length - 2);
  registerBenchChannels(cam, jpeg);
  return inProcessCamera(cam);
}
