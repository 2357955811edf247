// ChannelApi: the channel half of a Camera — the channel list (flags decoded), lookup by name or id, and
// the requests on one channel: SIZE, SHAPE, READ, WRITE (chunked), IOCTL, LOCK/UNLOCK, and POLL.
import {
  ChannelFlag,
  EMPTY,
  Opcode,
  decodeChannelList,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU32s,
} from '../protocol';
import { CHANNEL_FLAG_NAMES } from '../model';
import type { ChannelFlagName, ChannelInfo } from '../model';
import type { CameraEvents } from './camera-options';
import type { ProtocolClient, RequestOptions } from './client';
import { Emitter } from './emitter';
import {
  ChannelNotFoundError,
  DeviceResponseError,
  DisconnectedError,
  ProtocolError,
  needsResync,
} from './errors';

export type ChannelRef = string | number;

const FLAG_NAMES = CHANNEL_FLAG_NAMES.map((n) => [ChannelFlag[n], n] as const);
export const decodeChannelFlags = (flags: number): ChannelFlagName[] =>
  FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);

const DEFAULT_MAX_READ = 16 << 20;

export abstract class ChannelApi extends Emitter<CameraEvents> {
  protected client_: ProtocolClient | null = null;
  protected list: ChannelInfo[] = [];

  constructor(private readonly maxReadBytes: number = DEFAULT_MAX_READ) {
    super();
  }

  get client(): ProtocolClient {
    if (!this.client_) throw new DisconnectedError('camera has no link');
    return this.client_;
  }

  /** The list was read again (it is `this.list` now), before the 'channels' event says so. */
  protected abstract listed(): void;

  /** The channel list as last read (flags decoded). */
  channels(): ChannelInfo[] {
    return this.list;
  }

  async listChannels(priority: RequestOptions['priority'] = 'user'): Promise<ChannelInfo[]> {
    const body = await this.client.request(Opcode.CHANNEL_LIST, 0, EMPTY, { priority, maxBytes: 32 * 16 });
    let entries;
    try {
      entries = decodeChannelList(body);
    } catch (err) {
      throw new DeviceResponseError(`bad channel list: ${(err as Error).message}`);
    }
    this.list = entries.map((e) => ({ ...e, flagNames: decodeChannelFlags(e.flags) }));
    this.listed();
    this.emit('channels', this.list);
    return this.list;
  }

  channelById(id: number): ChannelInfo | undefined {
    return this.list.find((c) => c.id === id);
  }

  /** Look a channel up by name (ids are not stable across scripts) or by id. */
  channel(ref: ChannelRef): ChannelInfo {
    const c = typeof ref === 'number' ? this.channelById(ref) : this.list.find((x) => x.name === ref);
    if (!c)
      throw new ChannelNotFoundError(
        ref,
        this.list.map((x) => x.name),
      );
    return c;
  }

  hasChannel(name: string): boolean {
    return this.list.some((c) => c.name === name);
  }

  protected id(ref: ChannelRef): number {
    if (typeof ref === 'number') return ref;
    return this.channel(ref).id;
  }

  /** Idempotent requests are retried once after a resync; others report their failure. */
  protected async call(
    opcode: number,
    channel: number,
    payload: Uint8Array = EMPTY,
    opts: RequestOptions & { idempotent?: boolean } = {},
  ): Promise<Uint8Array> {
    try {
      return await this.client.request(opcode, channel, payload, opts);
    } catch (err) {
      if (opts.idempotent && needsResync(err) && !this.client.closed) {
        return this.client.request(opcode, channel, payload, opts);
      }
      throw err;
    }
  }

  async channelSize(ref: ChannelRef, opts: RequestOptions = {}): Promise<number> {
    const body = await this.call(Opcode.CHANNEL_SIZE, this.id(ref), EMPTY, {
      ...opts,
      idempotent: true,
      maxBytes: 4,
    });
    if (body.length < 4) throw new DeviceResponseError(`SIZE reply of ${body.length} bytes`);
    return readU32s(body)[0]!;
  }

  async channelShape(ref: ChannelRef): Promise<number[]> {
    return readU32s(
      await this.call(Opcode.CHANNEL_SHAPE, this.id(ref), EMPTY, { idempotent: true, maxBytes: 64 }),
    );
  }

  /**
   * Read `length` bytes at `offset`; without a length, SIZE first and read it all. Sizes above
   * maxReadBytes (a hostile or broken device) are refused before any data is requested.
   */
  async channelRead(
    ref: ChannelRef,
    opts: { offset?: number; length?: number } & RequestOptions = {},
  ): Promise<Uint8Array> {
    const id = this.id(ref);
    const length = opts.length ?? (await this.channelSize(id, opts));
    const limit = this.maxReadBytes;
    if (length > limit) {
      throw new DeviceResponseError(
        `channel ${ref} reports ${length} bytes, above the ${limit}-byte read limit`,
      );
    }
    if (length === 0) return EMPTY;
    return this.call(Opcode.CHANNEL_READ, id, encodeReadRequest(opts.offset ?? 0, length), {
      ...opts,
      maxBytes: length,
      expectBytes: length,
    });
  }

  /** Write `data` in chunks of max_payload − 8 (one WRITE each, at its offset). Never retried. */
  async channelWrite(ref: ChannelRef, data: Uint8Array, offset = 0): Promise<void> {
    const id = this.id(ref);
    const chunk = this.client.caps.maxPayload - 8;
    if (data.length === 0) throw new RangeError('nothing to write');
    for (let o = 0; o < data.length; o += chunk) {
      const part = data.subarray(o, Math.min(data.length, o + chunk));
      await this.client.request(Opcode.CHANNEL_WRITE, id, encodeWriteRequest(offset + o, part));
    }
  }

  async channelIoctl(ref: ChannelRef, request: number, arg: Uint8Array = EMPTY): Promise<void> {
    await this.client.request(Opcode.CHANNEL_IOCTL, this.id(ref), encodeIoctlRequest(request, arg));
  }

  /** LOCK: true when granted, false on BUSY (try later). */
  channelLock(ref: ChannelRef): Promise<boolean> {
    return this.unlessBusy(Opcode.CHANNEL_LOCK, ref);
  }

  /** UNLOCK: true when done, false on BUSY. */
  channelUnlock(ref: ChannelRef): Promise<boolean> {
    return this.unlessBusy(Opcode.CHANNEL_UNLOCK, ref);
  }

  /** A request whose BUSY answer is "not now" (false), not a failure. */
  private async unlessBusy(opcode: number, ref: ChannelRef): Promise<boolean> {
    try {
      await this.client.request(opcode, this.id(ref));
      return true;
    } catch (err) {
      if (err instanceof ProtocolError && err.busy) return false;
      throw err;
    }
  }

  /** CHANNEL_POLL as a bitmask (bit i = channel i has something). Polls merge while queued. */
  async poll(): Promise<number> {
    const body = await this.call(Opcode.CHANNEL_POLL, 0, EMPTY, {
      priority: 'poll',
      key: 'poll',
      idempotent: true,
      maxBytes: 4,
    });
    return body.length >= 4 ? readU32s(body)[0]! : 0;
  }
}
