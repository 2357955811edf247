// System opcodes (channel 0 only): caps, stats, version, board info and resets. PROTO_SYNC is the
// receiver's: it resets the state machine itself.
import {
  MIN_PAYLOAD,
  Opcode,
  Status,
  encodeCaps,
  encodeMemory,
  encodeStats,
  encodeSysInfo,
  encodeVersion,
} from '../../protocol';
import type { OpcodeHandler } from './command';

const getCaps: OpcodeHandler = async (cmd) => {
  await cmd.reply(encodeCaps(cmd.device.config));
};

/** Exactly 16 bytes and MIN_PAYLOAD ≤ max_payload ≤ buffer − 14; ACKed with the old settings, then applied. */
const setCaps: OpcodeHandler = async (cmd) => {
  const p = cmd.payload;
  const max = p.length >= 6 ? p[4]! | (p[5]! << 8) : 0;
  if (p.length !== 16 || max < MIN_PAYLOAD || max > cmd.device.maxPayloadLimit) {
    cmd.status(Status.INVALID);
    return;
  }
  const flags = cmd.u32(0);
  cmd.status(Status.SUCCESS);
  const config = cmd.device.config;
  config.crc = !!(flags & 1);
  config.seq = !!(flags & 2);
  config.ack = !!(flags & 4);
  config.events = !!(flags & 8);
  config.maxPayload = max;
};

const stats: OpcodeHandler = async (cmd) => {
  await cmd.reply(encodeStats(cmd.device.stats));
};

const version: OpcodeHandler = async (cmd) => {
  await cmd.reply(encodeVersion(cmd.device.options.version));
};

/** SYS_RESET / SYS_BOOT: the board resets without replying. */
const hardReset: OpcodeHandler = async (cmd) => {
  cmd.device.options.onHardReset?.(cmd.opcode === Opcode.SYS_BOOT);
};

const sysInfo: OpcodeHandler = async (cmd) => {
  await cmd.reply(encodeSysInfo(cmd.device.options.sysInfo()));
};

const memory: OpcodeHandler = async (cmd) => {
  await cmd.reply(encodeMemory(cmd.device.options.memory()));
};

export const SYSTEM_OPCODES: Readonly<Record<number, OpcodeHandler>> = {
  [Opcode.PROTO_GET_CAPS]: getCaps,
  [Opcode.PROTO_SET_CAPS]: setCaps,
  [Opcode.PROTO_STATS]: stats,
  [Opcode.PROTO_VERSION]: version,
  [Opcode.SYS_RESET]: hardReset,
  [Opcode.SYS_BOOT]: hardReset,
  [Opcode.SYS_INFO]: sysInfo,
  [Opcode.SYS_MEMORY]: memory,
};
