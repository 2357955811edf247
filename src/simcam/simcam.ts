// The simulated camera: the protocol engine (./engine), what runs on the board (./script-host: the
// built-in channels and the script), the links it is served over, and the fault knobs.
import { OPCODE_NAMES, describeFlags, type ByteLink } from '../protocol';
import { boardMemory, boardSysInfo } from './board';
import { realClock, type Clock } from './clock';
import { ProtocolEngine, type TraceHeader } from './engine';
import { FaultLink, NO_FAULTS } from './faults';
import { resolveOptions } from './options';
import { ScriptHost } from './script-host';
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

function formatTrace(dir: 'rx' | 'tx', h: TraceHeader): string {
  const op = OPCODE_NAMES[h.opcode] ?? `0x${h.opcode.toString(16)}`;
  const note = h.note ? ` ${h.note}` : '';
  return `${dir} seq=${h.seq} ch=${h.channel} ${op} ${describeFlags(h.flags)} len=${h.length}${note}`;
}

class SimCamImpl implements SimCam {
  readonly options: ResolvedSimCamOptions;
  private readonly clock: Clock;
  private readonly engine: ProtocolEngine;
  private readonly scripts: ScriptHost;
  private link: ByteLink | null = null;
  private faultState: Faults;
  private configFault: ConfigFaultKind = 'none';
  private rebootTimer: unknown = null;
  private resetListeners = new Set<() => void>();
  private closed = false;

  constructor(opts: SimCamOptions = {}) {
    this.options = resolveOptions(opts);
    this.clock = opts.clock ?? realClock;
    this.faultState = { ...NO_FAULTS };
    const o = this.options;
    this.engine = new ProtocolEngine({
      bufferSize: o.maxBuffer,
      clock: this.clock,
      version: { protocol: o.protocolVersion, bootloader: o.bootloaderVersion, firmware: o.firmwareVersion },
      sysInfo: () => boardSysInfo(o),
      memory: () => boardMemory(o, this.engine.stats.recvPackets),
      onHardReset: () => queueMicrotask(() => this.hardReset()),
      ...(opts.trace ? { trace: (dir, h) => opts.trace!(formatTrace(dir, h)) } : {}),
    });
    this.scripts = new ScriptHost({
      engine: this.engine,
      clock: this.clock,
      options: o,
      configFault: () => this.configFault,
    });
    this.scripts.powerOn();
    if (opts.faults) this.faults.set(opts.faults);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  softReboot(): void {
    this.scripts.softReboot();
  }

  hardReset(): void {
    if (this.closed) return;
    this.scripts.halt();
    const link = this.link;
    this.detach();
    link?.close();
    this.scripts.powerOn();
    for (const l of this.resetListeners) l();
  }

  onHardReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.scripts.close();
    this.closed = true;
    if (this.rebootTimer !== null) this.clock.clearTimeout(this.rebootTimer);
    const link = this.link;
    this.detach();
    this.engine.close();
    link?.close();
  }

  // ---- links --------------------------------------------------------------------------------------

  attach(link: ByteLink, transport: TransportDefaults = {}): void {
    if (this.closed) throw new Error('simcam is closed');
    this.link = link;
    const { name, ...defaults } = transport;
    this.engine.setTransportDefaults(defaults);
    this.scripts.setTransportName(name ?? 'usb');
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

  // ---- the script ---------------------------------------------------------------------------------

  register(spec: ChannelSpec): ChannelHandle {
    return this.scripts.register(spec);
  }

  print(text: string): void {
    this.scripts.print(text);
  }

  get script(): string | null {
    return this.scripts.script;
  }

  get parts(): Record<string, unknown> {
    return this.scripts.parts;
  }

  stats(): SimCamStats {
    return { ...this.engine.stats };
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
}

export function createSimCam(opts: SimCamOptions = {}): SimCam {
  return new SimCamImpl(opts);
}
