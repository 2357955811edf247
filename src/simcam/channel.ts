// The device-side channel, shaped like the firmware's omv_protocol_channel_t: every method optional, C
// return conventions (0 = success for lock/unlock/ioctl, byte counts or -1 for read, non-zero = success
// for write). Built-in channels implement this directly; script backends are adapted by ./backend.

export interface DeviceChannel {
  id: number;
  flags: number;
  /** At most 13 significant characters (CHANNEL_NAME_MAX); longer names are cut at registration. */
  name: string;
  init?(): number;
  poll?(): boolean;
  lock?(): number;
  unlock?(): number;
  size?(): number;
  /** Up to four dimensions. */
  shape?(): number[];
  /** read()-path: fill at most `size` bytes (the engine asks for ≤ min(512, max_payload)); ≤ 0 = failure. */
  read?(offset: number, size: number, out: Uint8Array): number;
  /** readp()-path: `size` bytes starting at `offset` (sent without copying), or null = failure. */
  readp?(offset: number, size: number): Uint8Array | null;
  /** `data` is a view of the receive buffer, valid only during the call. Non-zero = success. */
  write?(offset: number, length: number, data: Uint8Array): number;
  /** 0 = success. `arg` is null when there are no argument bytes. */
  ioctl?(request: number, length: number, arg: Uint8Array | null): number;
  flush?(): number;
  isActive?(): boolean;
}
