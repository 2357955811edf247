// `camdeck frames`: save frames from the frame or stream channel (newest frame on each event).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FrameSource } from '../../host';
import type { Frame } from '../../host';
import { EXIT } from '../exit';
import { TARGET_HELP, TARGET_OPTIONS, openTarget, withExitCode } from './ports';

export const summary = 'save frames from the frame or stream channel';
export const usage = `Usage: camdeck frames [--port P] [--count N] [--out DIR] [--channel stream|frame] [--timeout MS]
                      [--ack on|off] [--max-payload N]

Pulls N frames (default 10) as the camera announces them and prints one JSON line per frame
(seq, channel, width, height, bytes, cameraFrame, …). With --out, saves frame-0001.jpg … in DIR.
Exit code 1 when no frame arrived within --timeout ms (default 5000) of the previous one.

  ${TARGET_HELP}
  --count N            frames to take (default 10)
  --out DIR            save the encoded frames here
  --channel CH         "stream" (channel 3, LOCK/SIZE/READ/UNLOCK) or "frame" (default: frame if present)
  --timeout MS         give up after this long without a frame`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('frames', async () => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        ...TARGET_OPTIONS,
        count: { type: 'string', short: 'n' },
        out: { type: 'string', short: 'o' },
        channel: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
    const count = values.count === undefined ? 10 : Number(values.count);
    const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
    const channel = values.channel ?? 'auto';
    if (
      !Number.isInteger(count) ||
      count < 1 ||
      !(timeoutMs > 0) ||
      !['stream', 'frame', 'auto'].includes(channel)
    ) {
      console.error(`camdeck frames: bad arguments\n\n${usage}`);
      return EXIT.USAGE;
    }
    if (values.out) await mkdir(values.out, { recursive: true });
    const opened = await openTarget(values);
    const { camera } = opened;
    const source = new FrameSource(camera, { channel: channel as 'stream' | 'frame' | 'auto' });
    try {
      if (source.channelName === 'frame' && !camera.hasChannel('frame')) {
        console.error(`camdeck frames: the camera has no "frame" channel (try --channel stream)`);
        return EXIT.NOT_FOUND;
      }
      if (source.channelName === 'stream') await camera.streaming(true);
      const t0 = performance.now();
      let got = 0;
      const writes: Promise<void>[] = [];
      const ok = await new Promise<boolean>((resolve) => {
        let timer = setTimeout(() => resolve(false), timeoutMs);
        source.on('frame', (f: Frame) => {
          if (got >= count) return;
          got++;
          clearTimeout(timer);
          timer = setTimeout(() => resolve(false), timeoutMs);
          const ext = f.meta.format === 'jpeg' ? 'jpg' : f.meta.format === 'png' ? 'png' : 'raw';
          if (values.out)
            writes.push(writeFile(join(values.out, `frame-${String(got).padStart(4, '0')}.${ext}`), f.image));
          console.log(JSON.stringify(f.meta));
          if (got >= count) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        camera.on('lost', () => resolve(false));
        source.start();
      });
      source.stop();
      await Promise.all(writes);
      const secs = (performance.now() - t0) / 1000;
      console.error(
        `camdeck frames: ${got} frame(s) in ${secs.toFixed(2)} s (${(got / secs).toFixed(1)} fps)`,
      );
      if (!ok) {
        console.error(`camdeck frames: no frame within ${timeoutMs} ms`);
        return EXIT.FAILURE;
      }
      return EXIT.OK;
    } finally {
      source.stop();
      opened.close();
    }
  });
}
