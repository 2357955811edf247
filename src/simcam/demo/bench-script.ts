// The benchmark's camera script: a fixed JPEG served as fast as the firmware allows. `benchframe` is a
// stream-like channel (lock, size, readp) whose frame is always ready, so frame reads are bounded only by
// the 11 ms lock grid; `bulk` is the same bytes without a lock, for READ throughput; `config` is a small
// JSON store for write round trips. Used by `camdeck bench --port demo` and bench/host.bench.ts.
import { PixFormat, encodeStreamHeader } from '../../protocol';
import type { SimCam } from '../types';
import { jsonErrorPosition } from './config';

/** Registers benchframe, bulk and config on `cam`, serving `jpeg` behind a 32-byte stream header. */
export function registerBenchChannels(cam: SimCam, jpeg: Uint8Array): void {
  const frame = new Uint8Array(32 + jpeg.length);
  frame.set(
    encodeStreamHeader({
      width: 640,
      height: 480,
      pixfmt: PixFormat.JPEG,
      size: jpeg.length,
      offset: 32,
      fps: 90,
    }),
  );
  frame.set(jpeg, 32);
  const readp = (offset: number, size: number): Uint8Array => frame.subarray(offset, offset + size);
  cam.register({
    name: 'benchframe',
    backend: { poll: () => true, lock: () => true, unlock: () => true, size: () => frame.length, readp },
  });
  cam.register({ name: 'bulk', backend: { size: () => frame.length, readp } });
  let config = new TextEncoder().encode(JSON.stringify({ quality: 50 }));
  cam.register({
    name: 'config',
    backend: {
      size: () => config.length,
      read: (offset: number, size: number) => config.subarray(offset, offset + size),
      write: (_offset: number, data: Uint8Array) => {
        const text = new TextDecoder().decode(data);
        try {
          const patch = JSON.parse(text) as object;
          const current = JSON.parse(new TextDecoder().decode(config)) as object;
          config = new TextEncoder().encode(JSON.stringify({ ...current, ...patch }));
          return data.length;
        } catch {
          // Refused: say why on stdout (the convention), then 0 → NAK (a throw would be ACKed).
          cam.print(`config: refused: invalid JSON at position ${jsonErrorPosition(text)}\n`);
          return 0;
        }
      },
    },
  });
}
