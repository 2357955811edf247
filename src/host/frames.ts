// FrameSource: pulls the `frame` channel (or the stream channel) when its event arrives and delivers the
// newest frame only: events that arrive during a read collapse into one more read, never a backlog.
// A gentle CHANNEL_POLL covers events lost on a noisy link. A frame is delivered once: a read that returns
// the frame already delivered (the same stamp's cameraFrame: an event replayed after a resync, a poll that
// saw the old frame still published) is not a new frame.
// Demand (`wanted`): while nobody wants a frame (every page watching has one waiting), an event is not read but
// remembered; when demand returns (`wake()`), the newest frame is read at once. Frames signalled and not read
// are counted as unread, apart from drops. A link busy with frames nobody will see is slower for everything
// else on it (config writes, stdout), and on the simulated camera the reads are a fifth of its CPU. Right after
// a setting changes (`readEvery`), every frame is read again for a while, newest wins: the first frame at the
// new setting then never waits behind one read before it.
import { DropCounter, parseStamp } from '../model';
import type { LinkFrameMeta } from '../model';
import { ChannelFlag, ChannelId } from '../protocol';
import type { Camera } from './camera';
import { Emitter } from './emitter';
import { parseJpeg } from './jpeg';

export interface Frame {
  image: Uint8Array;
  meta: LinkFrameMeta;
}

export interface FrameSourceOptions {
  /** Which channel to pull: `frame` (JPEG channel), `stream` (channel 3), or auto (frame if present). */
  channel?: 'frame' | 'stream' | 'auto';
  /** Probe with CHANNEL_POLL when no frame came for this long (lost events). Default 250 ms. */
  idlePollMs?: number;
  /** Whether someone wants a frame now; false: an event is remembered, not read. Default: always. */
  wanted?: () => boolean;
}

export interface FrameSourceEvents {
  frame: Frame;
  error: Error;
  /** The camera signalled a frame that was not read (nobody wanted it then). */
  skipped: undefined;
}

export class FrameSource extends Emitter<FrameSourceEvents> {
  private running = false;
  private reading = false;
  private dirty = false;
  /** A frame was signalled while nobody wanted one: read it when demand returns. */
  private unreadSignalled = false;
  /** Until then (performance.now()), every frame is read whatever the demand. */
  private eagerUntil = 0;
  private seq = 0;
  /** The stamp's cameraFrame of the last frame delivered (undefined: unstamped, or a new script run). */
  private lastCameraFrame: number | undefined;
  private repeatsSkipped = 0;
  private lastFrameAt = 0;
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private unsubs: Array<() => void> = [];
  private readonly opts: Required<FrameSourceOptions>;
  private counts = { frames: 0, errors: 0, bytes: 0 };
  /** Gaps in the camera's frame numbers over this source's life (every connection). */
  private readonly drops = new DropCounter();

  constructor(
    private readonly camera: Camera,
    opts: FrameSourceOptions = {},
  ) {
    super();
    this.opts = {
      channel: opts.channel ?? 'auto',
      idlePollMs: opts.idlePollMs ?? 250,
      wanted: opts.wanted ?? (() => true),
    };
  }

  /**
   * Frames delivered, read errors, image bytes, frames the camera numbered that never arrived, and frames it
   * signalled that were left unread (nobody wanted them).
   */
  get stats(): Readonly<{ frames: number; errors: number; bytes: number; dropped: number; unread: number }> {
    return { ...this.counts, dropped: this.drops.dropped, unread: this.drops.unread };
  }

  /** Reads that returned the frame delivered last (same cameraFrame): not delivered again. */
  get repeats(): number {
    return this.repeatsSkipped;
  }

  /** The channel name being pulled right now. */
  get channelName(): 'frame' | 'stream' {
    if (this.opts.channel !== 'auto') return this.opts.channel;
    return this.camera.hasChannel('frame') ? 'frame' : 'stream';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubs.push(
      this.camera.events.onStream(() => this.kickIf('stream')),
      this.camera.events.onChannel('frame', () => this.kickIf('frame')),
      this.camera.on('state', (s) => {
        if (s.kind === 'connected') this.kick();
      }),
      // a new script run numbers its frames from 1 again
      this.camera.on('reboot', () => {
        this.lastCameraFrame = undefined;
      }),
    );
    this.idleTimer = setInterval(() => void this.probe(), this.opts.idlePollMs);
    this.kick();
  }

  stop(): void {
    this.running = false;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
  }

  /** An event of `channel`: read when that is the channel pulled now and someone wants the frame. */
  private kickIf(channel: 'frame' | 'stream'): void {
    if (this.channelName !== channel) return;
    if (this.running && !this.wanted()) return this.skip();
    this.kick();
  }

  /** A signalled frame left unread: remembered for when demand returns, counted apart from drops. */
  private skip(): void {
    this.unreadSignalled = true;
    this.drops.skipped();
    this.emit('skipped', undefined);
  }

  /** Read once now (also what an event triggers); while nobody wants a frame, once demand returns. */
  kick(): void {
    if (!this.wanted()) {
      this.unreadSignalled = true;
      return;
    }
    this.dirty = true;
    if (!this.reading && this.running) void this.loop();
  }

  /** Demand may have returned: read the frame signalled meanwhile, if there is one and it is wanted now. */
  wake(): void {
    if (this.unreadSignalled && this.running && this.wanted()) this.kick();
  }

  /** Read every frame for the next `ms` (a setting just changed: its first frame is shown without delay). */
  readEvery(ms: number): void {
    this.eagerUntil = Math.max(this.eagerUntil, performance.now() + ms);
    this.wake();
  }

  private wanted(): boolean {
    return performance.now() < this.eagerUntil || this.opts.wanted();
  }

  private async probe(): Promise<void> {
    if (!this.running || this.reading || !this.camera.connected) return;
    // a frame is there already, left until it is wanted (this also catches a demand change not told)
    if (this.unreadSignalled) return this.wake();
    if (performance.now() - this.lastFrameAt < this.opts.idlePollMs) return;
    try {
      const name = this.channelName;
      const id = name === 'stream' ? ChannelId.STREAM : this.camera.channel('frame').id;
      const mask = await this.camera.poll();
      if (mask & (1 << id)) this.kick();
    } catch {
      // the link owner resyncs; the next probe tries again
    }
  }

  private async loop(): Promise<void> {
    this.reading = true;
    try {
      while (this.dirty && this.running && this.camera.connected) {
        this.dirty = false;
        // the frame just read may have satisfied everyone: the event that came meanwhile waits
        if (!this.wanted()) {
          this.skip();
          break;
        }
        this.unreadSignalled = false;
        try {
          const frame = await this.readOnce();
          if (frame && this.running && this.isRepeat(frame)) this.repeatsSkipped++;
          else if (frame && this.running) {
            this.seq = frame.meta.seq;
            this.lastCameraFrame = frame.meta.cameraFrame;
            this.lastFrameAt = performance.now();
            this.counts.frames++;
            this.counts.bytes += frame.image.length;
            this.drops.add(frame.meta.cameraFrame);
            this.emit('frame', frame);
          }
        } catch (err) {
          this.counts.errors++;
          this.emit('error', err instanceof Error ? err : new Error(String(err)));
        }
      }
    } finally {
      this.reading = false;
    }
  }

  /** The camera's own frame identity (its stamp) says this is the frame delivered last. */
  private isRepeat(frame: Frame): boolean {
    const n = frame.meta.cameraFrame;
    return n !== undefined && n === this.lastCameraFrame;
  }

  /** One read; its meta carries the next seq, taken only when the frame is delivered. */
  private async readOnce(): Promise<Frame | null> {
    const name = this.channelName;
    if (name === 'stream') {
      // Short: events and the idle probe trigger the next attempt; this only rides out the 11 ms lock grid.
      const f = await this.camera.readFrame({ timeoutMs: 40, waitForFrame: false });
      if (!f) return null;
      const jpeg = f.format === 'jpeg' ? parseJpeg(f.image) : null;
      return {
        image: f.image,
        meta: {
          seq: this.seq + 1,
          channel: 'stream',
          width: f.header.width,
          height: f.header.height,
          bytes: f.image.length,
          format: f.format,
          cameraFps: f.header.fps > 0 ? f.header.fps : undefined,
          ...parseStamp(jpeg?.comment),
          receivedAt: Date.now(),
        },
      };
    }
    const ch = this.camera.channel('frame');
    const lock = (ch.flags & ChannelFlag.LOCK) !== 0;
    if (lock && !(await this.camera.channelLock(ch.id))) return null;
    const epoch = this.camera.client.syncEpoch;
    let image: Uint8Array;
    try {
      image = await this.camera.channelRead(ch.id);
    } finally {
      // a SYNC since the LOCK (a resync after a fault) already released it
      if (lock && this.camera.client.syncEpoch === epoch)
        await this.camera.channelUnlock(ch.id).catch(() => undefined);
    }
    if (!image.length) return null;
    const jpeg = parseJpeg(image);
    return {
      image,
      meta: {
        seq: this.seq + 1,
        channel: 'frame',
        width: jpeg?.width ?? 0,
        height: jpeg?.height ?? 0,
        bytes: image.length,
        format: jpeg ? 'jpeg' : image[0] === 0x89 && image[1] === 0x50 ? 'png' : 'raw',
        ...parseStamp(jpeg?.comment),
        receivedAt: Date.now(),
      },
    };
  }
}
