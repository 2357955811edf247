// `camdeck bench`: frame reads/s, bulk READ MB/s (ACK on/off), round trips and connect time against a camera.
import { parseArgs } from 'node:util';
import { PixFormat, createLinkPair, encodeStreamHeader } from '../../protocol';
import { listPorts, memoryTransport, openTransport, pickCamera, runHostBench } from '../../host';
import type { HostBenchResult, Transport } from '../../host';
import { createSimCam } from '../../simcam';
import { EXIT } from '../exit';
import { CliError, PORT_HELP, channelRef, toCliError, withExitCode } from './ports';

export const summary = 'measure frame rate, throughput and round trips';
export const usage = `Usage: camdeck bench [--port P] [--seconds N] [--channel CH] [--json]

Measures against the camera on --port: connect time; small-command and config-write round trips
(p50/p99; the config write re-sends a value the camera already has, so nothing changes); frame
reads/s on the stream channel (LOCK → SIZE → READ → UNLOCK) with BUSY answers per frame; bulk READ
MB/s of one frame with ACK on and with ACK off. The camera must be streaming for frame figures.
With --port demo an in-process simulated camera serves a fixed ~31 KB JPEG as fast as the
firmware's 11 ms lock grid allows. For the raw-pty comparison run \`npm run bench:host\`.

  ${PORT_HELP}
  --seconds N    seconds of frame reads (default 3)
  --channel CH   frame channel (default: stream, or "benchframe" on the demo camera)
  --json         print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('bench', async () => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        seconds: { type: 'string' },
        channel: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const seconds = values.seconds === undefined ? 3 : Number(values.seconds);
    if (!(seconds > 0)) {
      console.error(`camdeck bench: --seconds must be a positive number\n\n${usage}`);
      return EXIT.USAGE;
    }
    let target = values.port;
    if (!target) {
      const pick = pickCamera(await listPorts());
      if ('error' in pick) throw new CliError(pick.error, EXIT.NOT_FOUND);
      target = pick.port.path;
    }
    const demo = target === 'demo' ? demoCamera() : null;
    const open = async (): Promise<Transport> => {
      if (demo) return demo.open();
      try {
        return await openTransport(target);
      } catch (err) {
        throw toCliError(err);
      }
    };
    const log = values.json ? undefined : (l: string) => console.log(l);
    let result: HostBenchResult;
    try {
      result = await runHostBench({
        open,
        frameChannel: channelRef(values.channel ?? (demo ? 'benchframe' : 'stream')),
        bulkChannel: demo ? 'bulk' : undefined,
        frameSeconds: seconds,
        log,
      });
    } finally {
      demo?.close();
    }
    if (values.json) console.log(JSON.stringify({ target, ...result }, null, 2));
    return result.frames ? EXIT.OK : EXIT.FAILURE;
  });
}

/** The simulated camera with a script that snapshots a fixed ~31 KB JPEG as fast as it is taken. */
function demoCamera(): { open: () => Transport; close: () => void } {
  const cam = createSimCam({ demo: false });
  const jpeg = new Uint8Array(31_000);
  jpeg.set([0xff, 0xd8]);
  jpeg.set([0xff, 0xd9], jpeg.length - 2);
  const frame = new Uint8Array(32 + jpeg.length);
  frame.set(encodeStreamHeader({ width: 640, height: 480, pixfmt: PixFormat.JPEG, size: jpeg.length, offset: 32, fps: 90 }));
  frame.set(jpeg, 32);
  const readp = (offset: number, size: number): Uint8Array => frame.subarray(offset, offset + size);
  cam.register({
    name: 'benchframe',
    backend: { poll: () => true, lock: () => true, unlock: () => true, size: () => frame.length, readp },
  });
  cam.register({ name: 'bulk', backend: { size: () => frame.length, readp } });
  let config = { quality: 50 };
  cam.register({
    name: 'config',
    backend: {
      size: () => JSON.stringify(config).length,
      read: (o: number, n: number) => new TextEncoder().encode(JSON.stringify(config)).subarray(o, o + n),
      write: (_o: number, d: Uint8Array) => {
        config = { ...config, ...(JSON.parse(new TextDecoder().decode(d)) as object) };
        return d.length;
      },
    },
  });
  return {
    open: () => {
      const [host, device] = createLinkPair();
      cam.attach(device);
      return memoryTransport(host, 'demo');
    },
    close: () => cam.close(),
  };
}
