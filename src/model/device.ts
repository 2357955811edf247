// The camera at the other end of a connection: its channels and what it says about itself.

/** Channel flag names, in bit order (READ = bit 0 … PHYSICAL = bit 6), as the protocol's CHANNEL_LIST has them. */
export const CHANNEL_FLAG_NAMES = ['READ', 'WRITE', 'EXEC', 'LOCK', 'STREAM', 'DYNAMIC', 'PHYSICAL'] as const;
export type ChannelFlagName = (typeof CHANNEL_FLAG_NAMES)[number];

export interface ChannelInfo {
  id: number;
  name: string;
  flags: number;
  /** The flags decoded, in bit order. */
  flagNames: ChannelFlagName[];
}

export interface DeviceSummary {
  board: string;
  protocolVersion: string;
  firmwareVersion: string;
  /** "37C5:124A" */
  usbId: string;
  /** The board's unique id (SYS_INFO dev_id) as hex, most significant word first; absent when all zero. */
  uid?: string;
  maxPayload: number;
  channels: ChannelInfo[];
}
