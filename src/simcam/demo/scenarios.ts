// Named demo "scripts". Each registers its channels like a camera script would and runs until stopped.
//   demo    temp, config (JSON), config.schema, frame + capture loop feeding frame and stream
//   simple  the seeds' variant: temp, write-only config taking a raw integer quality, frame
//   custom  openmv's 12-Protocol/custom_channels.py: "static" + "buffer", event 0xAA every 100 ms
//   idle    registers nothing (a camera with no script)
import type { ConfigValues } from '../../model';
import type { Clock } from '../clock';
import type { ChannelHandle, ChannelSpec, SceneLook } from '../types';
import { FrameBackend, RawQualityBackend, StaticTextBackend, TempBackend } from './backends';
import { CaptureLoop, type CapturedFrame } from './capture';
import { ConfigBackend, demoSchema, frameSizeDims, frameSizeName, type ConfigFault } from './config';

export interface ScriptContext {
  readonly clock: Clock;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** The camera's label and hue, for the scene. */
  readonly look: SceneLook;
  register(spec: ChannelSpec): ChannelHandle;
  print(text: string): void;
  /** Hand a frame to the stream channel (lock-step; sends the frame-ready event when written). */
  publishStream(f: CapturedFrame): void;
  /** The host asked for a raw preview: capture RGB too. */
  wantRaw(): boolean;
  /** Run when the device is not in the middle of a command (a script cannot run during WAIT_ACK). */
  whenIdle(fn: () => void): void;
  maxPayload(): number;
  configFault(): ConfigFault;
  /** The script ended by itself. */
  exit(): void;
}

export interface ScriptInstance {
  stop(): void;
  /** Backends, for tests and the CLI. */
  readonly parts?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScriptContext): ScriptInstance;
}

const ignore = (): void => {};

function startCapture(
  ctx: ScriptContext,
  frame: FrameBackend,
  frameHandle: ChannelHandle,
  settings: () => { fps: number; width: number; height: number; quality: number; values?: ConfigValues },
): CaptureLoop {
  let latest: CapturedFrame | null = null;
  const loop = new CaptureLoop({
    clock: ctx.clock,
    settings: () => {
      const s = settings();
      const v = s.values ?? {};
      return {
        fps: s.fps,
        width: s.width,
        height: s.height,
        quality: s.quality,
        adjust: {
          brightness: Number(v.brightness ?? 0),
          contrast: Number(v.contrast ?? 0),
          hmirror: v.hmirror === true,
          vflip: v.vflip === true,
        },
      };
    },
    wantRaw: () => ctx.wantRaw(),
    look: ctx.look,
    onFrame: (f) => {
      // While the device is busy (long ACK wait, stall) only the newest frame is kept for publication.
      const first = latest === null;
      latest = f;
      if (!first) return;
      ctx.whenIdle(() => {
        const next = latest!;
        latest = null;
        frame.update(next);
        frameHandle.sendEvent(0x0001).catch(ignore);
        ctx.publishStream(next);
      });
    },
  });
  loop.start();
  return loop;
}

const demo: Scenario = {
  name: 'demo',
  description: 'temp, JSON config (+ config.schema) and a stamped JPEG frame channel; stream fed too',
  run(ctx) {
    const size = frameSizeName(ctx.width, ctx.height);
    const schema = demoSchema(size);
    const temp = new TempBackend(ctx.clock);
    const config = new ConfigBackend({
      schema,
      initial: {
        quality: 85,
        brightness: 0,
        contrast: 0,
        hmirror: false,
        vflip: false,
        framesize: size,
        fps: Math.min(120, Math.max(1, Math.round(ctx.fps))),
      },
      maxPayload: () => ctx.maxPayload(),
      fault: () => ctx.configFault(),
      onChange: (v, changed) =>
        ctx.print(`config: ${changed.map((k) => `${k}=${String(v[k])}`).join(' ')}\n`),
      onRefuse: (line) => ctx.print(`${line}\n`),
    });
    const frame = new FrameBackend();
    ctx.register({ name: 'temp', backend: temp });
    const configHandle = ctx.register({ name: 'config', backend: config });
    ctx.register({ name: 'config.schema', backend: new StaticTextBackend(JSON.stringify(schema)) });
    const frameHandle = ctx.register({ name: 'frame', backend: frame });
    const loop = startCapture(ctx, frame, frameHandle, () => {
      const v = config.values;
      const [width, height] = frameSizeDims(String(v.framesize)) ?? [ctx.width, ctx.height];
      return { fps: Number(v.fps), width, height, quality: Number(v.quality), values: v };
    });
    ctx.print(`camdeck simcam: demo scenario, ${ctx.width}x${ctx.height} @ ${ctx.fps} fps\n`);
    return { stop: () => loop.stop(), parts: { temp, config, frame, loop, configHandle } };
  },
};

const simple: Scenario = {
  name: 'simple',
  description: "the seeds' variant: temp, write-only config taking a raw integer quality, frame",
  run(ctx) {
    const temp = new TempBackend(ctx.clock);
    const config = new RawQualityBackend(
      85,
      (q) => ctx.print(`quality=${q}\n`),
      () => ctx.configFault() === 'reject-writes',
      (line) => ctx.print(`${line}\n`),
    );
    const frame = new FrameBackend();
    ctx.register({ name: 'temp', backend: temp });
    ctx.register({ name: 'config', backend: config });
    const frameHandle = ctx.register({ name: 'frame', backend: frame });
    const loop = startCapture(ctx, frame, frameHandle, () => ({
      fps: ctx.fps,
      width: ctx.width,
      height: ctx.height,
      quality: config.quality,
    }));
    return { stop: () => loop.stop(), parts: { temp, config, frame, loop } };
  },
};

/**
 * openmv scripts/examples/12-Protocol/custom_channels.py, in TypeScript, prints included (they are what
 * a host sees on stdout). read() ignores offset and size like the example: the protocol copies what fits.
 */
class StaticChannel {
  constructor(private readonly print: (text: string) => void) {}
  size(): number {
    return 'HelloWorld!'.length;
  }
  read(offset: number, size: number): string {
    this.print(`StaticChannel read ${size} bytes from offset ${offset}\n`);
    return 'HelloWorld!';
  }
}

class BufferChannel {
  buffer = new Uint8Array(1024);
  dataSize = 0;
  constructor(private readonly print: (text: string) => void) {}
  init(): void {
    this.print(`BufferChannel initialized with ${this.buffer.length} bytes\n`);
  }
  poll(): boolean {
    return this.dataSize > 0;
  }
  size(): number {
    return this.dataSize;
  }
  read(offset: number, size: number): Uint8Array {
    if (offset >= this.dataSize) return new Uint8Array(0);
    const data = this.buffer.slice(offset, Math.min(offset + size, this.dataSize));
    this.print(`BufferChannel read ${data.length} bytes from offset ${offset}\n`);
    return data;
  }
  write(offset: number, data: Uint8Array): number {
    const n = Math.max(0, Math.min(data.length, this.buffer.length - offset));
    if (n > 0) {
      this.buffer.set(data.subarray(0, n), offset);
      this.dataSize = Math.max(this.dataSize, offset + n);
    }
    this.print(`BufferChannel wrote ${n} bytes to offset ${offset}\n`);
    return n;
  }
}

const custom: Scenario = {
  name: 'custom',
  description: 'openmv custom_channels.py: "static" and "buffer" channels, event 0xAA every 100 ms on static',
  run(ctx) {
    const print = (text: string): void => ctx.print(text);
    const ch1 = ctx.register({ name: 'static', backend: new StaticChannel(print) });
    const buffer = new BufferChannel(print);
    ctx.register({ name: 'buffer', backend: buffer });
    let timer: unknown = null;
    const tick = (): void => {
      ch1.sendEvent(0xaa).catch(ignore);
      timer = ctx.clock.setTimeout(tick, 100);
    };
    timer = ctx.clock.setTimeout(tick, 100);
    return { stop: () => ctx.clock.clearTimeout(timer), parts: { buffer } };
  },
};

const idle: Scenario = {
  name: 'idle',
  description: 'no channels (a camera with no script running)',
  run() {
    return { stop: ignore };
  },
};

export const SCENARIOS: Record<string, Scenario> = { demo, simple, custom, idle };

/**
 * An uploaded script: `# scenario: NAME` (or a source that is just a scenario name) runs that scenario;
 * anything else is "executed" by echoing the string literals of its print(...) calls (or the whole
 * source when it has none) to stdout, after which it ends.
 */
export function scriptFromSource(source: string): Scenario {
  const named = /^\s*#\s*scenario:\s*([\w-]+)/m.exec(source)?.[1] ?? source.trim();
  const found = SCENARIOS[named];
  if (found) return found;
  return {
    name: 'echo',
    description: 'uploaded script, echoed',
    run(ctx) {
      const prints = [...source.matchAll(/^\s*print\(\s*(["'])(.*?)\1\s*\)\s*$/gm)].map((m) => m[2]!);
      ctx.print(prints.length ? prints.map((p) => `${p}\n`).join('') : source);
      const t = ctx.clock.setTimeout(() => ctx.exit(), 0);
      return { stop: () => ctx.clock.clearTimeout(t) };
    },
  };
}
