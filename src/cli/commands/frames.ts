// `camdeck frames`: save frames from the frame or stream channel (newest frame on each event).
// A lost camera ends the command at once with the cause; --reconnect rides through it like the app does.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CameraSession, FrameSource } from '../../host';
import type { Camera, ConnectionState, Frame } from '../../host';
import { choiceOption, intOption, outputError, parseCommandArgs, positiveOption } from '../args';
import { EXIT } from '../exit';
import { printable } from '../printable';
import {
  CliError,
  TARGET_HELP,
  TARGET_OPTIONS,
  cameraTarget,
  cliTargets,
  linkOptions,
  openTarget,
  resolveTarget,
  connectError,
  withExitCode,
} from './ports';

export const usage = `Usage: camdeck frames [--camera T] [--count N] [--out DIR] [--channel stream|frame] [--timeout MS]
                      [--reconnect] [--ack on|off] [--max-payload N]

Pulls N frames (default 10) as the camera announces them and prints one JSON line per frame
(seq, channel, width, height, bytes, cameraFrame, …). With --out, saves frame-0001.jpg … in DIR.
Exit code 1 when no frame arrived within --timeout ms (default 5000) of the previous one, or at once
when the camera goes away ("camera disconnected: <cause>").

  ${TARGET_HELP}
  --count N            frames to take (default 10)
  --out DIR            save the encoded frames here
  --channel CH         "stream" (channel 3, LOCK/SIZE/READ/UNLOCK) or "frame" (default: frame if present)
  --timeout MS         give up after this long without a frame (while connected)
  --reconnect          keep going through unplug/replug and camera restarts, like the app; says on
                       stderr when it lost and regained the camera`;

type Outcome = { ok: true } | { ok: false; why: 'timeout' } | { ok: false; why: 'lost'; cause: string };

export async function run(argv: string[]): Promise<number> {
  return withExitCode('frames', async () => {
    const { values } = parseCommandArgs('frames', argv, {
      ...TARGET_OPTIONS,
      count: { type: 'string', short: 'n' },
      out: { type: 'string', short: 'o' },
      channel: { type: 'string' },
      timeout: { type: 'string' },
      reconnect: { type: 'boolean' },
    });
    const count = intOption('frames', 'count', values.count, 1) ?? 10;
    const timeoutMs = positiveOption('frames', 'timeout', values.timeout) ?? 5000;
    const channel = choiceOption('frames', 'channel', values.channel, ['stream', 'frame'] as const) ?? 'auto';
    const link = linkOptions(values);
    const outDir = values.out;
    if (outDir)
      await mkdir(outDir, { recursive: true }).catch((e: unknown) => {
        throw outputError(outDir, e);
      });

    let camera: Camera;
    let close: () => void;
    let session: CameraSession | null = null;
    if (values.reconnect) {
      const target = await resolveTarget(cameraTarget(values));
      const targets = cliTargets();
      session = new CameraSession({ ...link, open: (t) => targets.open(t) });
      try {
        await session.connect(target);
      } catch (err) {
        targets.close();
        throw connectError(target, err);
      }
      camera = session.camera;
      const s = session;
      close = () => {
        void s.disconnect('done');
        targets.close();
      };
    } else {
      const opened = await openTarget(values);
      camera = opened.camera;
      close = opened.close;
    }

    // fixed at start: during a camera restart the frame channel is briefly gone, and auto would switch
    const source = new FrameSource(camera, {
      channel: channel === 'auto' ? (camera.hasChannel('frame') ? 'frame' : 'stream') : channel,
    });
    const cleanups: Array<() => void> = [];
    try {
      if (source.channelName === 'frame' && !camera.hasChannel('frame')) {
        throw new CliError(
          'The camera has no "frame" channel.',
          EXIT.NOT_FOUND,
          'Try --channel stream, or check what the camera script registers with `camdeck info`.',
        );
      }
      if (source.channelName === 'stream') await camera.streaming(true);
      const t0 = performance.now();
      let got = 0;
      const writes: Promise<void>[] = [];
      const failed: { error?: CliError } = {};
      const outcome = await new Promise<Outcome>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | null = null;
        const disarm = (): void => {
          if (timer) clearTimeout(timer);
          timer = null;
        };
        const arm = (): void => {
          disarm();
          timer = setTimeout(() => finish({ ok: false, why: 'timeout' }), timeoutMs);
        };
        const finish = (o: Outcome): void => {
          disarm();
          resolve(o);
        };
        cleanups.push(disarm);
        cleanups.push(
          source.on('frame', (f: Frame) => {
            if (got >= count) return;
            got++;
            arm();
            const ext = f.meta.format === 'jpeg' ? 'jpg' : f.meta.format === 'png' ? 'png' : 'raw';
            if (values.out)
              writes.push(
                saveFrame(join(values.out, `frame-${String(got).padStart(4, '0')}.${ext}`), f.image, failed),
              );
            console.log(JSON.stringify(f.meta));
            if (got >= count) finish({ ok: true });
          }),
        );
        if (session) {
          // the frame timeout only runs while connected: a reconnect may take as long as the replug
          cleanups.push(
            watchSession(session, {
              onDown: disarm,
              onUp: arm,
              onGaveUp: (cause) => finish({ ok: false, why: 'lost', cause }),
            }),
          );
        } else {
          cleanups.push(camera.on('lost', (err) => finish({ ok: false, why: 'lost', cause: err.message })));
        }
        arm();
        source.start();
      });
      source.stop();
      await Promise.all(writes);
      if (failed.error) throw failed.error;
      const secs = (performance.now() - t0) / 1000;
      console.error(
        `camdeck frames: ${got} frame(s) in ${secs.toFixed(2)} s (${(got / secs).toFixed(1)} fps)`,
      );
      if (outcome.ok) return EXIT.OK;
      if (outcome.why === 'lost') {
        throw new CliError(
          `camera disconnected: ${outcome.cause.replace(/\.$/, '')}.`,
          EXIT.FAILURE,
          session
            ? 'It did not come back; check the cable and that the camera is powered on.'
            : 'Check the cable; run with --reconnect to ride through unplugs and camera restarts.',
        );
      }
      throw new CliError(
        `no frame within ${timeoutMs} ms.`,
        EXIT.FAILURE,
        'Is the camera script capturing? Try a longer --timeout, or --channel stream.',
      );
    } finally {
      for (const c of cleanups) c();
      source.stop();
      close();
    }
  });
}

/**
 * Write one frame. Never rejects (a rejection left pending until the end would crash the process as
 * unhandled): the first failure is kept and reported as a sentence once all frames are in.
 */
const saveFrame = (file: string, image: Uint8Array, failed: { error?: CliError }): Promise<void> =>
  writeFile(file, image).catch((e: unknown) => {
    failed.error ??= outputError(file, e);
  });

/** Print when the session loses and regains the camera; call back so the frame timer pauses meanwhile. */
function watchSession(
  session: CameraSession,
  cb: { onDown: () => void; onUp: () => void; onGaveUp: (cause: string) => void },
): () => void {
  let downAt: number | null = null;
  return session.on('state', (s: ConnectionState) => {
    if (s.kind === 'reconnecting' || s.kind === 'resyncing') {
      if (downAt === null) {
        downAt = performance.now();
        const reason = printable(s.reason.replace(/\.$/, '')); // may quote the camera
        console.error(
          s.kind === 'reconnecting'
            ? `camdeck frames: lost the camera (${reason}); reconnecting…`
            : /reboot/.test(reason)
              ? `camdeck frames: the camera restarted (${reason}); resyncing…`
              : `camdeck frames: the link got out of step (${reason}); resyncing…`,
        );
        cb.onDown();
      }
    } else if (s.kind === 'connected') {
      if (downAt !== null) {
        console.error(
          `camdeck frames: camera back after ${((performance.now() - downAt) / 1000).toFixed(1)} s`,
        );
        downAt = null;
        cb.onUp();
      }
    } else if (s.kind === 'disconnected') {
      cb.onGaveUp(s.reason ?? 'the session ended');
    }
  });
}
