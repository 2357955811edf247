// What runs on the board above the protocol: the built-in channels (transport, stdin, stdout, stream) and
// the script, like main.py: a named scenario, or source uploaded over stdin, that registers dynamic
// channels, prints, and publishes preview frames. A soft reboot ends the script and starts the next one.
import {
  ChannelFlag,
  ChannelId,
  EVENT_NOTIFY,
  PixFormat,
  STREAM_HEADER_SIZE,
  StdinEvent,
  SysEvent,
} from '../protocol';
import { adaptBackend } from './backend';
import { STREAM_BUFFER_KB } from './board';
import { StdinChannel, StdoutChannel } from './channels/stdio';
import { StreamChannel } from './channels/stream';
import { transportChannel } from './channels/transport';
import type { Clock } from './clock';
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
import type { ProtocolEngine } from './engine';
import type { ChannelHandle, ChannelSpec, ResolvedSimCamOptions } from './types';

/** OMV_PROTOCOL_STDIO_BUFFER_SIZE by board buffer size. */
const STDOUT_SIZE = { 512: 512, 4096: 1024, 8192: 2048 } as const;
/** stdout NOTIFY cadence while output is pending. */
const STDOUT_EVENT_MS = 50;

export interface ScriptHostOptions {
  engine: ProtocolEngine;
  clock: Clock;
  options: ResolvedSimCamOptions;
  /** The config fault knob, as the demo's config backend reads it. */
  configFault(): ConfigFault;
}

interface RunningScript {
  scenario: Scenario;
  instance: ScriptInstance | null;
  generation: number;
}

export class ScriptHost {
  private readonly engine: ProtocolEngine;
  private readonly clock: Clock;
  private readonly options: ResolvedSimCamOptions;
  private readonly stdin: StdinChannel;
  private readonly stdout: StdoutChannel;
  private readonly stream: StreamChannel;
  private transportName = 'usb';
  private running: RunningScript | null = null;
  /** Bumped at every protocol init; handles of older generations are stale. */
  private generation = 0;
  private stdoutTimer: unknown = null;
  private stdoutHalfNotified = false;
  private streamFps = 0;
  private lastStreamAt = 0;
  private closed = false;

  constructor(private readonly host: ScriptHostOptions) {
    this.engine = host.engine;
    this.clock = host.clock;
    this.options = host.options;
    this.stdin = new StdinChannel({
      stop: () => this.engine.whenIdle(() => this.endScript(null)),
      exec: () => this.engine.whenIdle(() => this.endScript(this.stdin.take())),
    });
    this.stdout = new StdoutChannel(STDOUT_SIZE[this.options.maxBuffer]);
    this.stream = new StreamChannel();
  }

  /** Name of the running script or null. */
  get script(): string | null {
    return this.running?.scenario.name ?? null;
  }

  get parts(): Record<string, unknown> {
    return { ...this.running?.instance?.parts };
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  powerOn(): void {
    this.protocolInit();
    this.stream.powerOn();
    this.stream.enabled = this.options.streamEnabled;
    const main = this.mainScript();
    if (main) this.startScript(main);
  }

  /** Power lost (hard reset): the script stops without a word, stdout's buffer is gone. */
  halt(): void {
    this.running?.instance?.stop();
    this.running = null;
    this.stdin.scriptRunning = false;
    this.stdout.read(0, this.stdout.avail, new Uint8Array(this.stdout.avail));
  }

  softReboot(): void {
    this.engine.whenIdle(() => this.endScript(null, this.running?.scenario ?? null));
  }

  close(): void {
    this.running?.instance?.stop();
    this.running = null;
    this.closed = true;
    if (this.stdoutTimer !== null) this.clock.clearTimeout(this.stdoutTimer);
  }

  /** The transport channel's name in CHANNEL_LIST (usb, network), kept across protocol inits. */
  setTransportName(name: string): void {
    if (name === this.transportName) return;
    this.transportName = name;
    const ch0 = this.engine.findChannel(0);
    if (ch0) ch0.name = name;
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

  // ---- what a script does -------------------------------------------------------------------------

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
      look: o.look,
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
      configFault: (): ConfigFault => this.host.configFault(),
      exit: () =>
        this.engine.whenIdle(() => {
          if (alive()) this.endScript(null);
        }),
    };
  }
}
