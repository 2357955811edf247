// Channel opcodes: list, poll, lock, size, shape, read, write and ioctl on the addressed channel, with
// the firmware's status for a channel that is unknown or lacks the method.
import {
  ChannelFlag,
  Flag,
  HEADER_SIZE,
  IOCTL_ARG_SIZES,
  Opcode,
  READ_CHUNK_MAX,
  Status,
  encodeChannelList,
  u32s,
} from '../../protocol';
import type { OpcodeHandler } from './command';

const list: OpcodeHandler = async (cmd) => {
  const { channels, channelsCount } = cmd.device;
  const entries = [];
  for (let i = 0; i < channelsCount; i++) {
    const c = channels[i];
    if (c) entries.push({ id: c.id, flags: c.flags, name: c.name });
  }
  await cmd.reply(encodeChannelList(entries));
};

const poll: OpcodeHandler = async (cmd) => {
  const { channels, channelsCount } = cmd.device;
  let bits = 0;
  for (let i = 0; i < channelsCount; i++) {
    if (channels[i]?.poll?.()) bits |= 1 << i;
  }
  await cmd.reply(u32s(bits >>> 0));
};

/** BUSY unless ticks − last granted lock > the interval (whole ms: at most one lock every 11 ms). */
const lock: OpcodeHandler = async (cmd) => {
  const dev = cmd.device;
  const c = cmd.target();
  if (!((dev.ticks() - dev.lastLockMs) >>> 0 > dev.config.lockIntervalMs)) cmd.status(Status.BUSY);
  else if (c?.lock && c.lock() === 0) {
    dev.lastLockMs = dev.ticks();
    cmd.status(Status.SUCCESS);
  } else cmd.status(Status.BUSY);
};

const unlock: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  cmd.status(c?.unlock && c.unlock() === 0 ? Status.SUCCESS : Status.BUSY);
};

const size: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  if (c?.size) await cmd.reply(u32s(c.size() >>> 0));
  else cmd.status(Status.INVALID);
};

const shape: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  if (c?.shape) await cmd.reply(u32s(...c.shape().slice(0, 4)));
  else cmd.status(Status.INVALID);
};

/**
 * readp channels answer in max_payload fragments. read() channels in pieces of at most
 * min(512, max_payload): a failure NAKs even mid-response, and a send failure (SYNC, reset) does not stop
 * the loop, as in the firmware.
 */
const read: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  let offset = cmd.u32(0);
  let length = cmd.u32(4);
  if (!length || !c || !(c.read || c.readp)) cmd.status(Status.INVALID);
  else if (c.readp) {
    const data = c.readp(offset, length);
    if (!data) cmd.status(Status.FAILED);
    else await cmd.reply(data);
  } else {
    const piece = new Uint8Array(Math.min(READ_CHUNK_MAX, cmd.device.config.maxPayload));
    while (length > 0) {
      const want = Math.min(length, piece.length);
      const got = c.read!(offset, want, piece);
      if (got <= 0) {
        cmd.status(Status.FAILED);
        break;
      }
      const n = Math.min(got, want);
      length -= n;
      offset += n;
      await cmd.reply(piece.slice(0, n), length === 0 ? 0 : Flag.FRAGMENT);
    }
  }
};

const write: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  const length = cmd.u32(4);
  if (c?.write && length) {
    // The firmware trusts the length field: the view may span the packet buffer past the payload.
    const start = HEADER_SIZE + 8;
    const view = cmd.packet.subarray(start, Math.min(cmd.packet.length, start + length));
    cmd.status(c.write(cmd.u32(0), length, view) ? Status.SUCCESS : Status.FAILED);
  } else cmd.status(Status.INVALID);
};

/** The argument-size table is enforced on static channels only. */
const ioctl: OpcodeHandler = async (cmd) => {
  const c = cmd.target();
  const p = cmd.payload;
  const request = cmd.u32(0);
  const argLen = Math.max(0, p.length - 4);
  const arg = argLen ? p.subarray(4) : null;
  if (!c?.ioctl) cmd.status(Status.INVALID);
  else if (!(c.flags & ChannelFlag.DYNAMIC) && IOCTL_ARG_SIZES[cmd.channel]?.[request] !== argLen) {
    cmd.status(Status.INVALID);
  } else cmd.status(c.ioctl(request, argLen, arg) ? Status.FAILED : Status.SUCCESS);
};

export const CHANNEL_OPCODES: Readonly<Record<number, OpcodeHandler>> = {
  [Opcode.CHANNEL_LIST]: list,
  [Opcode.CHANNEL_POLL]: poll,
  [Opcode.CHANNEL_LOCK]: lock,
  [Opcode.CHANNEL_UNLOCK]: unlock,
  [Opcode.CHANNEL_SIZE]: size,
  [Opcode.CHANNEL_SHAPE]: shape,
  [Opcode.CHANNEL_READ]: read,
  [Opcode.CHANNEL_WRITE]: write,
  [Opcode.CHANNEL_IOCTL]: ioctl,
};
