// Public types of the simulated camera.
import type { ByteLink, DeviceStats } from '../protocol';
import type { Clock } from './clock';

export interface ChannelSpec {
  /** Cut to 13 characters, like the firmware. */
  name: string;
  /** OR-ed with the derived flags and DYNAMIC. */
  flags?: number;
  /** An object or class instance with any of: init poll lock unlock size shape read readp write ioctl flush is_active. */
  backend: object;
}

export interface ChannelHandle {
  readonly id: number;
  readonly name: string;
  readonly flags: number;
  /**
   * Send a CHANNEL_EVENT (code 0xFFFF = NOTIFY, no payload). Rejects like the firmware's RuntimeError when
   * events are off, no host is attached, the channel is gone (soft reboot) or, with waitAck, the host
   * never ACKed (the protocol state is then reset).
   */
  sendEvent(code: number, opts?: { waitAck?: boolean }): Promise<void>;
}

export interface Faults {
  /** Probability per byte that one bit is flipped (both directions). */
  bitFlipRate: number;
  /** Probability per byte that it is lost (both directions). */
  dropRate: number;
  /** Added one-way delay of device → host bytes, ms. */
  latencyMs: number;
  /** Device → host throughput cap in bit/s (0 = unlimited; USB full speed ≈ 12e6). */
  bandwidthBps: number;
  /** Soft-reboot the script every N ms (0 = never). */
  rebootEveryMs: number;
}

/** Which part of one outgoing packet `flipNext` corrupts. */
export type FlipPart = 'header' | 'payload';

/** Filter for `flipNext`: the packet must have this opcode and/or channel. */
export interface FlipMatch {
  opcode?: number;
  channel?: number;
}

/** PROTO_STATS counters plus the simulator's own (not on the wire). */
export interface SimCamStats extends DeviceStats {
  /** `flipNext` flips that have been applied to a transmission. */
  flipsInjected: number;
}

export interface SimCamFaults {
  set(f: Partial<Faults>): void;
  get(): Faults;
  stall(ms: number): void;
  /**
   * Flip one random bit of the next packet the camera sends that matches: 'header' → a bit in bytes 2..9
   * (never the sync bytes, so the host rejects it by header CRC), 'payload' → a bit of the payload (only
   * packets with one match). Events match only when `match.opcode` is an event opcode. Only that one
   * transmission is corrupted; a retransmission is clean. Calls queue up, one flip per packet.
   */
  flipNext(part: FlipPart, match?: FlipMatch): void;
  /** A flipNext() is still waiting for its packet. */
  pendingFlip(): boolean;
}

export type ConfigFaultKind = 'none' | 'reject-writes' | 'invalid-json';

export interface SimCamOptions {
  /** OMV_PROTOCOL_MAX_BUFFER_SIZE; max_payload = buffer − 14 (498 / 4082 / 8178). Default 4096. */
  maxBuffer?: 512 | 4096 | 8192;
  board?: string;
  usbVid?: number;
  usbPid?: number;
  /**
   * The board's unique id in hex, 1…24 digits (left-padded to 24, never all zeros). SYS_INFO dev_id carries
   * it (digits 0–7 = dev_id[0], …), so a host reading dev_id sees the same camera every run. Default: derived
   * from the board name and USB id.
   */
  serial?: string;
  /** Drawn large on the demo scene (up to 12 of 0–9 A–Z space - # . :), to tell cameras apart at a glance. */
  label?: string;
  /** Hue in degrees of the scene's border and label badge (default: no border, today's scene). */
  hue?: number;
  firmwareVersion?: [number, number, number];
  protocolVersion?: [number, number, number];
  bootloaderVersion?: [number, number, number];
  fps?: number;
  width?: number;
  height?: number;
  /** Script run at power-up and after soft reboots: demo (default), simple, custom, idle. */
  scenario?: string;
  /** Default true: run the scenario at power-up. false: no script, only the built-in channels. */
  demo?: boolean;
  clock?: Clock;
  /** Streaming already enabled at power-up (real cameras need STREAM_CTRL 1; default false). */
  streamEnabled?: boolean;
  /** Per-packet trace (the CLI's -v). */
  trace?: (line: string) => void;
  /** Initial fault settings. */
  faults?: Partial<Faults>;
}

/** What makes one demo camera's picture unlike another's. */
export interface SceneLook {
  /** Upper-case, only characters the scene can draw; absent = no label. */
  label?: string;
  /** Degrees in [0, 360); absent = no border or badge colour. */
  hue?: number;
}

export interface TransportDefaults {
  /** Transport channel name in CHANNEL_LIST (default "usb"). */
  name?: string;
  crc?: boolean;
  seq?: boolean;
  ack?: boolean;
  events?: boolean;
  maxPayload?: number;
  rtxTimeoutMs?: number;
}

export interface SimCam {
  /** Serve the protocol over this link (replaces the previous one; the link closing = host gone). */
  attach(link: ByteLink, transport?: TransportDefaults): void;
  detach(): void;
  /** Pull the cable: close the current link (the host sees it go away). Node links can re-create theirs. */
  unplug(): void;
  register(spec: ChannelSpec): ChannelHandle;
  readonly faults: SimCamFaults;
  setConfigFault(kind: ConfigFaultKind): void;
  /** SOFT_REBOOT event, protocol defaults, dynamic channels re-registered by the script. */
  softReboot(): void;
  /** SYS_RESET as if sent by a host: the link closes and the board powers up again. */
  hardReset(): void;
  onHardReset(listener: () => void): () => void;
  stats(): SimCamStats;
  /** Name of the running script ("demo", "simple", "echo"…) or null. */
  readonly script: string | null;
  /** Backends of the running script (tests, benchmark). */
  readonly parts: Record<string, unknown>;
  /** Append text to stdout as the script's print() would. */
  print(text: string): void;
  readonly options: Readonly<ResolvedSimCamOptions>;
  close(): void;
}

export interface ResolvedSimCamOptions {
  maxBuffer: 512 | 4096 | 8192;
  maxPayload: number;
  board: string;
  usbVid: number;
  usbPid: number;
  /** 24 lower-case hex digits. */
  serial: string;
  look: SceneLook;
  firmwareVersion: [number, number, number];
  protocolVersion: [number, number, number];
  bootloaderVersion: [number, number, number];
  fps: number;
  width: number;
  height: number;
  scenario: string;
  demo: boolean;
  streamEnabled: boolean;
}
