// CameraSession: one target, kept connected. Reports progress states, reconnects with backoff when the
// port vanishes or the camera stops answering, restores streaming (the Camera remembers it) and keeps
// every subscription (they live on the one Camera object). An explicit disconnect ends all retrying.
import type { ConnectionState } from '../model';
import { Camera } from './camera';
import type { CameraOptions } from './camera';
import { Emitter } from './emitter';
import { openTransport } from './open-transport';
import type { Transport } from './transport';

export interface SessionOptions extends CameraOptions {
  /** How to open a target (default openTransport). The demo camera and tests pass their own. */
  open?: (target: string) => Promise<Transport>;
  /** Delays between reconnect attempts; the last one repeats. Default 250, 500, 1000, 2000, 4000 ms. */
  backoffMs?: number[];
  /** Give up after this many reconnect attempts. Default: never. */
  maxReconnectAttempts?: number;
}

export interface SessionEvents {
  state: ConnectionState;
}

export class CameraSession extends Emitter<SessionEvents> {
  readonly camera: Camera;
  private target_: string | null = null;
  private state_: ConnectionState = { kind: 'disconnected' };
  private stopped = true;
  private reconnecting = false;
  private wake: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly open: (target: string) => Promise<Transport>;
  private readonly backoff: number[];

  constructor(private readonly opts: SessionOptions = {}) {
    super();
    this.camera = new Camera(undefined, opts);
    this.open = opts.open ?? ((t) => openTransport(t));
    this.backoff = opts.backoffMs?.length ? opts.backoffMs : [250, 500, 1000, 2000, 4000];
    this.camera.on('state', (s) => {
      if (!this.target_ || this.stopped) return;
      // The camera's states are the session's, as they are; but its 'disconnected' is followed by 'lost'
      // → reconnecting, which the session reports instead.
      if (s.kind !== 'disconnected') this.setState(s);
    });
    // A re-list while connected updates the device in the camera's state; getState() shows that one.
    this.camera.on('channels', () => {
      if (this.state_.kind === 'connected' && this.camera.state.kind === 'connected')
        this.state_ = this.camera.state;
    });
    this.camera.on('lost', (err) => {
      if (!this.stopped && !this.reconnecting) void this.reconnectLoop(err.message);
    });
  }

  get state(): ConnectionState {
    return this.state_;
  }

  get target(): string | null {
    return this.target_;
  }

  private setState(s: ConnectionState): void {
    this.state_ = s;
    this.emit('state', s);
  }

  /** Connect to `target`; rejects when the first attempt fails (nothing retries then). */
  async connect(target: string): Promise<void> {
    if (!this.stopped) await this.disconnect('switching target');
    this.target_ = target;
    this.stopped = false;
    this.setState({ kind: 'connecting', target, step: 'open', progress: 0 });
    try {
      const transport = await this.open(target);
      if (this.stopped) {
        transport.link.close();
        throw new Error('disconnected while connecting');
      }
      await this.camera.connect(transport, target);
    } catch (err) {
      this.stopped = true;
      this.camera.disconnect('connect failed');
      const reason = err instanceof Error ? err.message : String(err);
      this.setState({ kind: 'disconnected', reason });
      throw err;
    }
  }

  /** Explicit disconnect: closes the link and stops any reconnecting. */
  async disconnect(reason = 'disconnected by user'): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    this.camera.disconnect(reason);
    this.setState({ kind: 'disconnected', reason });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private async reconnectLoop(reason: string): Promise<void> {
    const target = this.target_;
    if (!target) return;
    this.reconnecting = true;
    try {
      const max = this.opts.maxReconnectAttempts ?? Infinity;
      for (let attempt = 1; attempt <= max && !this.stopped; attempt++) {
        const wait = this.backoff[Math.min(attempt - 1, this.backoff.length - 1)]!;
        this.setState({ kind: 'reconnecting', target, reason, attempt, nextInMs: wait });
        await this.sleep(wait);
        if (this.stopped) return;
        let transport: Transport | null = null;
        try {
          transport = await this.open(target);
          if (this.stopped) {
            transport.link.close();
            return;
          }
          await this.camera.connect(transport, target);
          return;
        } catch (err) {
          reason = err instanceof Error ? err.message : String(err);
          if (transport && !transport.link.closed) transport.link.close();
        }
      }
      if (!this.stopped) {
        this.stopped = true;
        this.setState({ kind: 'disconnected', reason: `gave up reconnecting: ${reason}` });
      }
    } finally {
      this.reconnecting = false;
    }
  }
}
