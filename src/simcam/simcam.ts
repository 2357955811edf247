// The simulated camera: the protocol engine, the built-in channels (transport, stdin, stdout, stream), a
// "script" (named scenario) that registers dynamic channels, and the fault knobs.
import {
  BOARD_MAX_PAYLOAD,
  ChannelFlag,
  ChannelId,
  EVENT_NOTIFY,
  FIRMWARE_VERSION,
  OPCODE_NAMES,
  PROTOCOL_VERSION,
  PixFormat,
  STREAM_HEADER_SIZE,
  StdinEvent,
  SysEvent,
  describeFlags,
  type ByteLink,
  type MemoryEntry,
  type SysInfo,
} from '../protocol';
import { adaptBackend } from './backend';
import { StdinChannel, StdoutChannel } from './channels/stdio';
import { StreamChannel } from './channels/stream';
import { transportChannel } from './channels/transport';
import { realClock, type Clock } from './clock';
import type { CapturedFrame } from './demo/capture';
import type { ConfigFault } from './demo/config';
import { rgb565Fit } from './demo/raw';
import {
  SCENARIOS,
  scriptFromSource,
  type Scenario,
  type ScriptContext,
  type ScriptInstance,
} from './demo/scenarios';
import { ProtocolEngine, type TraceHeader } from './engine';
import { FaultLink, NO_FAULTS } from './faults';
import type {
  ChannelHandle,
  ChannelSpec,
  ConfigFaultKind,
  Faults,
  FlipMatch,
  FlipPart,
  ResolvedSimCamOptions,
  SimCam,
  SimCamFaults,
  SimCamOptions,
  SimCamStats,
  TransportDefaults,
} from './types';

/** Stream framebuffer size reported in SYS_INFO; bigger JPEGs are not previewed. */
const STREAM_BUFFER_KB = 512;
const STDOUT_SIZE = { 512: 512, 4096: 1024, 8192: 2048 } as const;
/** stdout NOTIFY cadence while output is pending. */
const STDOUT_EVENT_MS = 50;

function resolveOptions(o: SimCamOptions): ResolvedSimCamOptions {
  const maxBuffer = o.maxBuffer ?? 4096;
  if (!(maxBuffer in BOARD_MAX_PAYLOAD)) throw new RangeError(`maxBuffer must be 512, 4096 or 8192`);
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 16 ||
    height < 16 ||
    width * height > 4096 * 4096
  ) {
    throw new RangeError(`bad frame size ${width}x${height}`);
  }
  const fps = o.fps ?? 30;
  if (!(fps > 0 && fps <= 1000)) throw new RangeError(`fps must be in (0, 1000]`);
  const scenario = o.scenario ?? 'demo';
  if (!SCENARIOS[scenario]) {
    throw new RangeError(`unknown scenario "${scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  return {
    maxBuffer,
    maxPayload: BOARD_MAX_PAYLOAD[maxBuffer],
    board: o.board ?? 'OpenMV Cam H7 Plus',
    usbVid: o.usbVid ?? 0x37c5,
    usbPid: o.usbPid ?? 0x124a,
    firmwareVersion: o.firmwareVersion ?? [...FIRMWARE_VERSION],
    protocolVersion: o.protocolVersion ?? [...PROTOCOL_VERSION],
    bootloaderVersion: o.bootloaderVersion ?? [4, 0, 0],
    fps,
    width,
    height,
    scenario,
    demo: o.demo ?? true,
    streamEnabled: o.streamEnabled ?? false,
  };
}

function formatTrace(dir: 'rx' | 'tx', h: TraceHeader): string {
  const op = OPCODE_NAMES[h.opcode] ?? `0x${h.opcode.toString(16)}`;
  const note = h.note ? ` ${h.note}` : '';
  return `${dir} seq=${h.seq} ch=${h.channel} ${op} ${describeFlags(h.flags)} len=${h.length}${note}`;
}

/** A cheap stable 32-bit hash, for the board's unique id. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface RunningScript {
  scenario: Scenario;
  instance: ScriptInstance | null;
  generation: number;
}

class SimCamImpl implements SimCam {
  readonly options: ResolvedSimCamOptions;
  private readonly clock: Clock;
  private readonly engine: ProtocolEngine;
  private readonly stdin: StdinChannel;
  private readonly stdout: StdoutChannel;
  private readonly stream: StreamChannel;
  private transportName = 'usb';
  private link: ByteLink | null = null;
  private faultState: Faults;
  private configFault: ConfigFaultKind = 'none';
  private running: RunningScript | null = null;
  /** Bumped at every protocol init; handles of older generations are stale. */
  private generation = 0;
  private rebootTimer: unknown = null;
  private stdoutTimer: unknown = null;
  private stdoutHalfNotified = false;
  private resetListeners = new Set<() => void>();
  private streamFps = 0;
  private lastStreamAt = 0;
  private closed = false;
  private readonly trace?: (line: string) => void;

  constructor(opts: SimCamOptions = {}) {
    this.options = resolveOptions(opts);
    this.clock = opts.clock ?? realClock;
    this.trace = opts.trace;
    this.faultState = { ...NO_FAULTS };
    const o = this.options;
    this.engine = new ProtocolEngine({
      bufferSize: o.maxBuffer,
      clock: this.clock,
      version: { protocol: o.protocolVersion, bootloader: o.bootloaderVersion, firmware: o.firmwareVersion },
      sysInfo: () => this.sysInfo(),
      memory: () => this.memory(),
      onHardReset: () => queueMicrotask(() => this.hardReset()),
      ...(opts.trace ? { trace: (dir, h) => opts.trace!(formatTrace(dir, h)) } : {}),
    });
    this.stdin = new StdinChannel({
      stop: () => this.engine.whenIdle(() => this.endScript(null)),
      exec: () => this.engine.whenIdle(() => this.endScript(this.stdin.take())),
    });
    this.stdout = new StdoutChannel(STDOUT_SIZE[o.maxBuffer]);
    this.stream = new StreamChannel();
    this.powerOn();
    if (opts.faults) this.faults.set(opts.faults);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  private powerOn(): void {
    this.protocolInit();
    this.stream.powerOn();
    this.stream.enabled = this.options.streamEnabled;
    const main = this.mainScript();
    if (main) this.startScript(main);
  }

  /** The script a soft reset falls back to, like main.py: the configured scenario (none without demo). */
  private mainScript(): Scenario | null {
    return this.options.demo ? SCENARIOS[this.options.scenario]! : null;
  }

  /** omv_protocol_init_default(): protocol defaults and the static channels. */
  private protocolInit(): void {
    this.generation++;
    this.engine.init();
    this.engine.registerChannel(
      transportChannel(
        this.transportName,
        () => this.engine.isActive(),
        () => this.engine.pendingBytes,
      ),
    );
    this.engine.registerChannel(this.stdin);
    this.engine.registerChannel(this.stdout);
    this.engine.registerChannel(this.stream);
  }

  private startScript(scenario: Scenario): void {
    const run: RunningScript = { scenario, instance: null, generation: this.generation };
    this.running = run;
    this.stdin.scriptRunning = true;
    this.event(ChannelId.STDIN, StdinEvent.STARTED);
    run.instance = scenario.run(this.scriptContext(run));
  }

  /**
   * The running script ends (STOP, EXEC, soft reboot, or by itself): FINISHED on stdin, SOFT_REBOOT,
   * protocol defaults, then the next script: the uploaded source, or the scenario to restart.
   */
  private endScript(upload: Uint8Array | null, restart: Scenario | null = null): void {
    if (this.closed) return;
    const was = this.running;
    if (was) {
      this.running = null;
      was.instance?.stop();
      this.stdin.scriptRunning = false;
      this.event(ChannelId.STDIN, StdinEvent.FINISHED);
    }
    void this.engine.sendEvent(0, SysEvent.SOFT_REBOOT, false);
    this.protocolInit();
    this.stream.softReset();
    if (upload) {
      this.startScript(scriptFromSource(new TextDecoder().decode(upload)));
    } else {
      const next = restart ?? this.mainScript();
      if (next) this.startScript(next);
    }
  }

  softReboot(): void {
    this.engine.whenIdle(() => this.endScript(null, this.running?.scenario ?? null));
  }

  hardReset(): void {
    if (this.closed) return;
    this.running?.instance?.stop();
    this.running = null;
    this.stdin.scriptRunning = false;
    const link = this.link;
    this.detach();
    link?.close();
    this.stdout.read(0, this.stdout.avail, new Uint8Array(this.stdout.avail));
    this.powerOn();
    for (const l of this.resetListeners) l();
  }

  onHardReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.running?.instance?.stop();
    this.running = null;
    this.closed = true;
    if (this.rebootTimer !== null) this.clock.clearTimeout(this.rebootTimer);
    if (this.stdoutTimer !== null) this.clock.clearTimeout(this.stdoutTimer);
    const link = this.link;
    this.detach();
    this.engine.close();
    link?.close();
  }

  // ---- links --------------------------------------------------------------------------------------

  attach(link: ByteLink, transport: TransportDefaults = {}): void {
    if (this.closed) throw new Error('simcam is closed');
    this.link = link;
    const name = transport.name ?? 'usb';
    const defaults = { ...transport };
    delete defaults.name;
    this.engine.setTransportDefaults(defaults);
    if (name !== this.transportName) {
      this.transportName = name;
      const ch0 = this.engine.findChannel(0);
      if (ch0) ch0.name = name;
    }
    this.engine.attach(new FaultLink(link, () => this.faultState, this.clock));
  }

  detach(): void {
    this.link = null;
    this.engine.detach();
  }

  unplug(): void {
    const link = this.link;
    this.detach();
    link?.close();
  }

  // ---- channels -----------------------------------------------------------------------------------

  register(spec: ChannelSpec): ChannelHandle {
    return this.registerIn(spec, this.generation);
  }

  private registerIn(spec: ChannelSpec, generation: number): ChannelHandle {
    if (typeof spec?.name !== 'string' || !spec.name)
      throw new TypeError('channel name must be a non-empty string');
    if (typeof spec.backend !== 'object' || spec.backend === null)
      throw new TypeError('backend must be an object');
    if ((spec.flags ?? 0) & ChannelFlag.PHYSICAL) {
      throw new RangeError(
        'transport (PHYSICAL) backends are not simulated: serve a link with attach() instead',
      );
    }
    const ch = adaptBackend(spec.name, spec.backend, spec.flags ?? 0);
    const id = this.engine.registerChannel(ch);
    if (id < 0) throw new Error('Failed to register protocol channel');
    const engine = this.engine;
    const isStale = (): boolean => generation !== this.generation || this.closed;
    return {
      id,
      name: ch.name,
      flags: ch.flags,
      sendEvent: (code, opts = {}) =>
        new Promise<void>((resolve, reject) => {
          engine.whenIdle(() => {
            if (isStale()) {
              reject(new Error(`channel "${ch.name}" is no longer registered`));
              return;
            }
            engine
              .sendEvent(id, code & 0xffff, !!opts.waitAck)
              .then(
                (r) => (r === -1 ? reject(new Error('Failed to send channel event')) : resolve()),
                reject,
              );
          });
        }),
    };
  }

  private event(channel: number, code: number): void {
    this.engine.whenIdle(() => void this.engine.sendEvent(channel, code, false));
  }

  print(text: string): void {
    this.stdout.print(new TextEncoder().encode(text));
    if (this.stdout.avail > this.stdout.capacity / 2) {
      if (!this.stdoutHalfNotified) {
        this.stdoutHalfNotified = true;
        this.event(ChannelId.STDOUT, EVENT_NOTIFY);
      }
    }
    this.armStdoutTimer();
  }

  private armStdoutTimer(): void {
    if (this.stdoutTimer !== null || this.closed) return;
    this.stdoutTimer = this.clock.setTimeout(() => {
      this.stdoutTimer = null;
      if (this.stdout.avail <= this.stdout.capacity / 2) this.stdoutHalfNotified = false;
      if (this.stdout.avail > 0) {
        this.event(ChannelId.STDOUT, EVENT_NOTIFY);
        this.armStdoutTimer();
      }
    }, STDOUT_EVENT_MS);
  }

  private publishStream(f: CapturedFrame): void {
    // Preview rate: moving average over the frames' capture times (not over when they got published,
    // which bunches up after a busy device).
    if (this.lastStreamAt && f.t > this.lastStreamAt) {
      const inst = 1000 / (f.t - this.lastStreamAt);
      this.streamFps = this.streamFps ? this.streamFps * 0.9 + inst * 0.1 : inst;
    }
    this.lastStreamAt = f.t;
    const raw = this.stream.rawRequested;
    let written: boolean;
    if (raw && f.rgb) {
      const r = rgb565Fit(f.rgb, f.width, f.height, raw.width, raw.height);
      written = this.stream.publish({
        width: r.width,
        height: r.height,
        pixfmt: PixFormat.RGB565,
        bpp: 2,
        data: r.data,
        fps: this.streamFps,
      });
    } else if (f.jpeg.length + STREAM_HEADER_SIZE > STREAM_BUFFER_KB * 1024) {
      written = false; // does not fit the stream buffer: the preview skips it
    } else {
      written = this.stream.publish({
        width: f.width,
        height: f.height,
        pixfmt: PixFormat.JPEG,
        data: f.jpeg,
        fps: this.streamFps,
      });
    }
    if (written) this.event(ChannelId.STREAM, EVENT_NOTIFY);
  }

  private scriptContext(run: RunningScript): ScriptContext {
    const o = this.options;
    const alive = (): boolean => this.running === run && !this.closed;
    return {
      clock: this.clock,
      fps: o.fps,
      width: o.width,
      height: o.height,
      register: (spec) => this.registerIn(spec, run.generation),
      print: (text) => {
        if (alive()) this.print(text);
      },
      publishStream: (f) => {
        if (alive()) this.publishStream(f);
      },
      wantRaw: () => !!this.stream.rawRequested,
      whenIdle: (fn) =>
        this.engine.whenIdle(() => {
          if (alive()) fn();
        }),
      maxPayload: () => this.engine.config.maxPayload,
      configFault: (): ConfigFault => this.configFault,
      exit: () =>
        this.engine.whenIdle(() => {
          if (alive()) this.endScript(null);
        }),
    };
  }

  // ---- knobs --------------------------------------------------------------------------------------

  readonly faults: SimCamFaults = {
    set: (f: Partial<Faults>): void => {
      for (const [k, v] of Object.entries(f)) {
        if (!(k in NO_FAULTS)) throw new RangeError(`unknown fault "${k}"`);
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${k} must be ≥ 0`);
        if ((k === 'bitFlipRate' || k === 'dropRate') && v > 1) throw new RangeError(`${k} must be ≤ 1`);
      }
      this.faultState = { ...this.faultState, ...f };
      if ('rebootEveryMs' in f) this.applyRebootTimer();
    },
    get: (): Faults => ({ ...this.faultState }),
    stall: (ms: number): void => {
      if (!(ms >= 0)) throw new RangeError('stall needs ms ≥ 0');
      this.engine.stall(ms);
    },
    flipNext: (part: FlipPart, match: FlipMatch = {}): void => {
      if (part !== 'header' && part !== 'payload') {
        throw new RangeError(`flipNext part must be header or payload (got ${String(part)})`);
      }
      for (const [k, v] of Object.entries(match)) {
        if (k !== 'opcode' && k !== 'channel') throw new RangeError(`unknown flipNext match "${k}"`);
        if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 0xff)) {
          throw new RangeError(`flipNext ${k} must be a byte`);
        }
      }
      this.engine.flipNext(part, match);
    },
    pendingFlip: (): boolean => this.engine.pendingFlips > 0,
  };

  private applyRebootTimer(): void {
    if (this.rebootTimer !== null) this.clock.clearTimeout(this.rebootTimer);
    this.rebootTimer = null;
    const every = this.faultState.rebootEveryMs;
    if (!every || this.closed) return;
    const tick = (): void => {
      this.softReboot();
      this.rebootTimer = this.clock.setTimeout(tick, every);
    };
    this.rebootTimer = this.clock.setTimeout(tick, every);
  }

  setConfigFault(kind: ConfigFaultKind): void {
    if (kind !== 'none' && kind !== 'reject-writes' && kind !== 'invalid-json') {
      throw new RangeError(`unknown config fault "${String(kind)}"`);
    }
    this.configFault = kind;
  }

  stats(): SimCamStats {
    return { ...this.engine.stats };
  }

  get script(): string | null {
    return this.running?.scenario.name ?? null;
  }

  get parts(): Record<string, unknown> {
    return { ...this.running?.instance?.parts };
  }

  // ---- info ---------------------------------------------------------------------------------------

  private sysInfo(): SysInfo {
    const o = this.options;
    const uid = hash32(`${o.board}:${o.usbVid}:${o.usbPid}`);
    return {
      cpuId: 0x411fc271, // Cortex-M7 r1p1
      devId: [uid, hash32(String(uid)), 0x00360035],
      usbVid: o.usbVid,
      usbPid: o.usbPid,
      chipId: [0x5640, 0, 0], // OV5640
      hwCaps: [(1 << 4) | (1 << 5) | (1 << 6), 0], // JPEG encoder, DRAM, HW CRC
      flashSizeKb: 0,
      ramSizeKb: 0,
      framebufferSizeKb: Math.ceil((o.width * o.height * 2) / 1024),
      streamBufferSizeKb: STREAM_BUFFER_KB,
    };
  }

  private memory(): MemoryEntry[] {
    const used = 40_000 + (this.engine.stats.recvPackets % 997) * 16;
    const heap = 262_144;
    const pool = 32 * 1024 * 1024;
    const poolUsed = this.options.width * this.options.height * 5;
    return [
      { type: 0, flags: 0, total: heap, used, free: heap - used, persist: 0, peak: 0 },
      {
        type: 1,
        flags: 0,
        total: pool,
        used: poolUsed,
        free: pool - poolUsed,
        persist: 4096,
        peak: poolUsed + 65_536,
      },
    ];
  }
}

export function createSimCam(opts: SimCamOptions = {}): SimCam {
  return new SimCamImpl(opts);
}
