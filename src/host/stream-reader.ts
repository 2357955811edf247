// StreamReader: one frame from the stream channel (LOCK → SIZE → READ → UNLOCK, LOCKs paced to the
// firmware's 11 ms lock grid), and parseStreamFrame, which splits a read into header and image.
import { EMPTY, Opcode, PixFormat, decodeStreamHeader, readU32s } from '../protocol';
import type { StreamHeader } from '../protocol';
import type { ChannelApi } from './channel-api';
import { DeviceResponseError, needsResync } from './errors';

export interface StreamFrame {
  header: StreamHeader;
  /** The image bytes (JPEG/PNG as encoded, or raw pixels). */
  image: Uint8Array;
  format: 'jpeg' | 'png' | 'raw';
}

export interface StreamReadOptions {
  timeoutMs?: number;
  /** false: give up at once when no frame is ready. */
  waitForFrame?: boolean;
}

export class StreamReader {
  private lastLockAt = -Infinity;

  constructor(
    private readonly channels: ChannelApi,
    /** No LOCK sooner than this after our last grant (the firmware grants one per 11 ms). */
    private readonly lockPaceMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /**
   * Read one frame from channel `id`: LOCK → SIZE → READ → UNLOCK (always). LOCK is paced to the
   * firmware's 11 ms lock grid (not sent sooner than `lockPaceMs` after our last grant) and a BUSY retried
   * until `timeoutMs`; resolves null when no frame came. A link fault (a corrupted packet, a timeout) is
   * followed by a resync; the whole read is idempotent, so it is tried once more on the restored link.
   */
  async read(id: number, opts: StreamReadOptions = {}): Promise<StreamFrame | null> {
    try {
      return await this.readOnce(id, opts);
    } catch (err) {
      if (!needsResync(err) || this.channels.client.closed) throw err;
      // Queued behind the resync: runs once the link is back in step.
      return this.readOnce(id, opts);
    }
  }

  private async readOnce(id: number, opts: StreamReadOptions): Promise<StreamFrame | null> {
    const cam = this.channels;
    const now = (): number => performance.now();
    const deadline = now() + (opts.timeoutMs ?? 1000);
    const pace = this.lockPaceMs;
    // Reading faster than the grid: the first LOCK would only earn a BUSY, so it waits for the pace too.
    const early = pace - (now() - this.lastLockAt);
    if (early > 0) await this.sleep(Math.min(early, deadline - now()));
    for (;;) {
      const sent = now();
      const granted = await cam.channelLock(id).catch((err: unknown) => {
        this.lastLockAt = sent; // its reply was lost, but it may have been granted: pace from it
        throw err;
      });
      if (granted) break;
      const t = now();
      if (t >= deadline) return null;
      const since = t - this.lastLockAt;
      // Right after a grant the device answers BUSY until 11 ms have passed: wait instead of hammering.
      if (since < pace) await this.sleep(Math.min(pace - since, deadline - t));
      // Long after the last grant, BUSY means no frame is ready yet: poll gently, or leave it to the event.
      else if (since > 14) {
        if (opts.waitForFrame === false) return null;
        await this.sleep(1);
      }
    }
    this.lastLockAt = now();
    const client = cam.client;
    const epoch = client.syncEpoch;
    let lockLost = false;
    try {
      // SIZE not retried on its own: after a resync the lock is gone, the whole read starts over
      const body = await client.request(Opcode.CHANNEL_SIZE, id, EMPTY, { maxBytes: 4 });
      if (body.length < 4) throw new DeviceResponseError(`SIZE reply of ${body.length} bytes`);
      const size = readU32s(body)[0]!;
      if (size === 0) return null;
      const data = await cam.channelRead(id, { length: size });
      return parseStreamFrame(data);
    } catch (err) {
      lockLost = needsResync(err); // the resync's SYNC unlocks every channel
      throw err;
    } finally {
      // An UNLOCK after a SYNC released the lock could only discard a frame published since.
      if (!lockLost && client.syncEpoch === epoch) await cam.channelUnlock(id).catch(() => undefined);
    }
  }
}

/** Split a stream-channel read into header and image, using the header's own offset field. */
export function parseStreamFrame(data: Uint8Array): StreamFrame {
  if (data.length < 20) throw new DeviceResponseError(`stream frame of ${data.length} bytes has no header`);
  const header = decodeStreamHeader(data);
  if (header.offset < 20 || header.offset > data.length) {
    throw new DeviceResponseError(
      `stream header offset ${header.offset} outside a ${data.length}-byte frame`,
    );
  }
  const compressed = header.pixfmt === PixFormat.JPEG || header.pixfmt === PixFormat.PNG;
  const end = compressed ? header.offset + header.size : data.length;
  if (end > data.length) {
    throw new DeviceResponseError(
      `stream header claims ${header.size} image bytes, frame holds ${data.length - header.offset}`,
    );
  }
  return {
    header,
    image: data.subarray(header.offset, end),
    format: header.pixfmt === PixFormat.JPEG ? 'jpeg' : header.pixfmt === PixFormat.PNG ? 'png' : 'raw',
  };
}
