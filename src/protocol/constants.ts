// OpenMV Protocol 1.0.x constants, as the firmware (openmv protocol/omv_protocol.h) defines and uses them.
// See docs/protocol.md for the wire format; where the official spec disagrees, these follow the firmware.

/** Sync word 0xD5AA, little-endian on the wire: AA D5. */
export const SYNC0 = 0xaa;
export const SYNC1 = 0xd5;

export const HEADER_SIZE = 10;
export const PAYLOAD_CRC_SIZE = 4;
/** Header + payload CRC: the overhead of a packet with a payload. */
export const PACKET_OVERHEAD = HEADER_SIZE + PAYLOAD_CRC_SIZE;

/** Smallest max_payload a device accepts in SET_CAPS (64 − 10 − 4). */
export const MIN_PAYLOAD = 50;
/** Largest max_payload the u16 length field could carry; boards use 498 / 4082 / 8178. */
export const ABSOLUTE_MAX_PAYLOAD = 0xffff;
/** max_payload of the three board buffer sizes (buffer − 14). */
export const BOARD_MAX_PAYLOAD = { 512: 498, 4096: 4082, 8192: 8178 } as const;

export const Flag = {
  ACK: 0x01,
  NAK: 0x02,
  RTX: 0x04,
  ACK_REQ: 0x08,
  FRAGMENT: 0x10,
  EVENT: 0x20,
} as const;

export const Opcode = {
  PROTO_SYNC: 0x00,
  PROTO_GET_CAPS: 0x01,
  PROTO_SET_CAPS: 0x02,
  PROTO_STATS: 0x03,
  PROTO_VERSION: 0x04,
  SYS_RESET: 0x10,
  SYS_BOOT: 0x11,
  SYS_INFO: 0x12,
  SYS_EVENT: 0x13,
  SYS_MEMORY: 0x14,
  CHANNEL_LIST: 0x20,
  CHANNEL_POLL: 0x21,
  CHANNEL_LOCK: 0x22,
  CHANNEL_UNLOCK: 0x23,
  CHANNEL_SHAPE: 0x24,
  CHANNEL_SIZE: 0x25,
  CHANNEL_READ: 0x26,
  CHANNEL_WRITE: 0x27,
  CHANNEL_IOCTL: 0x28,
  CHANNEL_EVENT: 0x29,
} as const;
export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode];

/** Opcodes at or below this value are transport-level and must be sent on channel 0. */
export const LAST_SYSTEM_OPCODE = Opcode.SYS_MEMORY;

export const OPCODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Opcode).map(([name, value]) => [value, name]),
);

/** NAK payload: u16 status. SUCCESS is only ever sent as a bare ACK. */
export const Status = {
  SUCCESS: 0,
  FAILED: 1,
  INVALID: 2,
  TIMEOUT: 3,
  BUSY: 4,
  CHECKSUM: 5,
  SEQUENCE: 6,
  OVERFLOW: 7,
  FRAGMENT: 8,
  UNKNOWN: 9,
} as const;
export type StatusValue = (typeof Status)[keyof typeof Status];

export const STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Status).map(([name, value]) => [value, name]),
);

/** Capability flag bits (u32 at offset 0 of GET_CAPS/SET_CAPS). */
export const Cap = {
  CRC: 0x01,
  SEQ: 0x02,
  ACK: 0x04,
  EVENTS: 0x08,
} as const;
export const CAPS_SIZE = 16;

export const ChannelFlag = {
  READ: 0x01,
  WRITE: 0x02,
  EXEC: 0x04,
  LOCK: 0x08,
  STREAM: 0x10,
  DYNAMIC: 0x20,
  PHYSICAL: 0x40,
} as const;

/** Predefined channel ids; dynamic channels take the first free slot ≥ 1 (normally 4). */
export const ChannelId = {
  TRANSPORT: 0,
  STDIN: 1,
  STDOUT: 2,
  STREAM: 3,
  PROFILE: 4,
} as const;
export const MAX_CHANNELS = 32;
export const CHANNEL_LIST_ENTRY_SIZE = 16;
/** Channel names are NUL-terminated in 14 bytes: at most 13 significant characters. */
export const CHANNEL_NAME_MAX = 13;

/** SYS_EVENT codes (channel 0). */
export const SysEvent = {
  CHANNEL_REGISTERED: 0x0000,
  CHANNEL_UNREGISTERED: 0x0001, // defined, never emitted by the firmware
  SOFT_REBOOT: 0x0002,
} as const;

/** CHANNEL_EVENT codes of the built-in channels. */
export const StdinEvent = { FINISHED: 0x0000, STARTED: 0x0001 } as const;
/** Code 0xFFFF is sent with no payload. */
export const EVENT_NOTIFY = 0xffff;

export const Ioctl = {
  STDIN_STOP: 0x01,
  STDIN_EXEC: 0x02,
  STDIN_RESET: 0x03,
  STREAM_CTRL: 0x00,
  STREAM_RAW_CTRL: 0x01,
  STREAM_RAW_CFG: 0x02,
  STREAM_SOURCE: 0x03,
  PROFILE_MODE: 0x00,
  PROFILE_SET_EVENT: 0x01,
  PROFILE_RESET: 0x02,
  PROFILE_STATS: 0x03,
} as const;

/** Exact ioctl argument lengths the firmware enforces on static channels: channel → request → bytes. */
export const IOCTL_ARG_SIZES: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  [ChannelId.STDIN]: { [Ioctl.STDIN_STOP]: 0, [Ioctl.STDIN_EXEC]: 0, [Ioctl.STDIN_RESET]: 0 },
  [ChannelId.STREAM]: {
    [Ioctl.STREAM_CTRL]: 4,
    [Ioctl.STREAM_RAW_CTRL]: 4,
    [Ioctl.STREAM_RAW_CFG]: 8,
    [Ioctl.STREAM_SOURCE]: 4,
  },
  [ChannelId.PROFILE]: {
    [Ioctl.PROFILE_MODE]: 4,
    [Ioctl.PROFILE_SET_EVENT]: 8,
    [Ioctl.PROFILE_RESET]: 0,
    [Ioctl.PROFILE_STATS]: 0,
  },
};

/** Stream pixformat codes: bits 24–28 flags, 16–23 format id, 8–15 subformat, 0–7 bytes per pixel. */
export const PixFormat = {
  JPEG: 0x06060000,
  PNG: 0x06070000,
  RGB565: 0x0c030002,
  GRAYSCALE: 0x08020001,
  BINARY: 0x08010000,
  BAYER: 0x05040001,
  YUV422: 0x14050002,
  ARGB8: 0x0c080004,
} as const;
export const STREAM_HEADER_SIZE = 32;

/** Device timing (firmware): ACK wait doubles from 500 ms, 3 retransmissions, then protocol reset. */
export const RTX_TIMEOUT_MS = 500;
export const RTX_RETRIES = 3;
/** A LOCK succeeds only when more than this many whole ms passed since the last granted lock. */
export const LOCK_INTERVAL_MS = 10;
/** read()-based channels send at most this many bytes per packet, whatever max_payload is. */
export const READ_CHUNK_MAX = 512;

/** The magic baud rate that (with DTR) switches a USB camera from the REPL to the protocol. */
export const PROTOCOL_BAUD_RATE = 921600;
/** Version constants the current firmware reports. */
export const PROTOCOL_VERSION = [1, 0, 2] as const;
export const FIRMWARE_VERSION = [5, 0, 0] as const;
