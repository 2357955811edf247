// `camdeck read CH`: read a channel (SIZE then READ) to stdout or a file, raw or decoded (--as).
import { writeFile } from 'node:fs/promises';
import { choiceOption, intOption, outputError, parseCommandArgs, positiveOption, UsageError } from '../args';
import { EXIT } from '../exit';
import { printable } from '../printable';
import { CliError, TARGET_HELP, TARGET_OPTIONS, channelRef, openTarget, withExitCode } from './ports';
import { untilChannelEvent } from '../../host';
import type { Camera, ChannelRef } from '../../host';

export const DECODERS = [
  'f32',
  'f64',
  'u8',
  'u16',
  'u32',
  'i8',
  'i16',
  'i32',
  'text',
  'hex',
  'json',
] as const;
export type Decoder = (typeof DECODERS)[number];

export const usage = `Usage: camdeck read CHANNEL [--camera T] [--out FILE] [--offset N] [--length N] [--as TYPE]
                    [--timeout MS] [--ack on|off] [--max-payload N]

Reads a channel by name (config, frame, temp, stdout…) or id. Without --length it asks the channel's
SIZE and reads all of it; a channel with nothing in it yet (a frame before the first capture) is
waited for up to --timeout, and one still empty then is an error (exit 1), never an empty file.
Bytes go to stdout unless --out is given; --as decodes them first (little-endian numbers):
  camdeck read temp --as f32          → 36.62
To a file or a pipe the bytes are exact; to a terminal, control characters (a camera's escape
sequences) are shown as escapes such as \x1b, never obeyed.

  ${TARGET_HELP}
  --out FILE    write to FILE (the raw bytes, or the decoded text with --as)
  --offset N    read offset (default 0)
  --length N    bytes to read (default: the channel's size)
  --as TYPE     ${DECODERS.join(' | ')}: numbers (one line, space-separated), UTF-8 text,
                hex bytes, or JSON (pretty-printed)
  --timeout MS  wait this long for an empty channel to fill (default 3000)`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('read', async () => {
    const { values, positionals } = parseCommandArgs(
      'read',
      argv,
      {
        ...TARGET_OPTIONS,
        out: { type: 'string', short: 'o' },
        offset: { type: 'string' },
        length: { type: 'string' },
        as: { type: 'string' },
        timeout: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length
          ? `read takes one CHANNEL, not ${positionals.length}.`
          : 'read needs a CHANNEL (a name or an id).',
        'read',
      );
    const offset = intOption('read', 'offset', values.offset, 0);
    const length = intOption('read', 'length', values.length, 1);
    const as = choiceOption('read', 'as', values.as, DECODERS);
    const timeoutMs = positiveOption('read', 'timeout', values.timeout) ?? 3000;
    const ref = channelRef(positionals[0]!);
    const opened = await openTarget(values);
    try {
      const data = await readFilled(opened.camera, ref, { offset, length }, timeoutMs);
      if (!data.length)
        throw new CliError(
          `channel "${positionals[0]}" is empty (still nothing after ${timeoutMs} ms).`,
          EXIT.FAILURE,
          'The camera script has not put anything in it; try again later or with a longer --timeout.',
        );
      const body = as ? new TextEncoder().encode(`${decode(data, as, positionals[0]!)}\n`) : data;
      if (values.out) {
        const out = values.out;
        await writeFile(out, body).catch((e: unknown) => {
          throw outputError(out, e);
        });
        console.error(`camdeck read: ${body.length} bytes → ${values.out}`);
      } else {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(process.stdout.isTTY ? forTerminal(body) : body, (e) =>
            e ? reject(e) : resolve(),
          ),
        );
      }
      return EXIT.OK;
    } finally {
      opened.close();
    }
  });
}

/**
 * Read the channel; while it is empty (size 0) read again on its event or every 50 ms, up to `timeoutMs`.
 * An explicit --length is read once: the caller asked for exactly that.
 */
async function readFilled(
  camera: Camera,
  ref: ChannelRef,
  opts: { offset?: number; length?: number },
  timeoutMs: number,
): Promise<Uint8Array> {
  const id = camera.channel(ref).id;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const data = await camera.channelRead(id, opts);
    if (data.length || opts.length !== undefined || performance.now() >= deadline) return data;
    await untilChannelEvent(camera, id, Math.min(50, Math.max(0, deadline - performance.now())));
  }
}

/**
 * What a channel's bytes look like on a terminal: UTF-8 (a stray byte as U+FFFD), lines and tabs kept,
 * every other control character escaped (printable). A camera decides these bytes.
 */
export function forTerminal(body: Uint8Array): string {
  return printable(new TextDecoder().decode(body), { lines: true });
}

/** The shortest decimal that is the same float32: 36.62, not 36.619998931884766 (what a script packed). */
export function shortestF32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p < 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

/** Little-endian number decoders: bytes per value and how to read one. */
const NUMBERS: Record<string, [number, (dv: DataView, o: number) => number]> = {
  f32: [4, (dv, o) => shortestF32(dv.getFloat32(o, true))],
  f64: [8, (dv, o) => dv.getFloat64(o, true)],
  u8: [1, (dv, o) => dv.getUint8(o)],
  u16: [2, (dv, o) => dv.getUint16(o, true)],
  u32: [4, (dv, o) => dv.getUint32(o, true)],
  i8: [1, (dv, o) => dv.getInt8(o)],
  i16: [2, (dv, o) => dv.getInt16(o, true)],
  i32: [4, (dv, o) => dv.getInt32(o, true)],
};

/** Decode a channel's bytes for printing; a CliError (exit 1) when they are not of that type. */
export function decode(data: Uint8Array, as: Decoder, name = 'the channel'): string {
  const number = NUMBERS[as];
  if (number) {
    const [width, get] = number;
    if (data.length % width)
      throw new CliError(
        `${name} holds ${data.length} bytes, not a whole number of ${width}-byte ${as} values.`,
        EXIT.FAILURE,
        'Pick the type the camera script writes (e.g. struct.pack("<f", v) is f32), or read the raw bytes.',
      );
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const out: string[] = [];
    for (let o = 0; o < data.length; o += width) out.push(String(get(dv, o)));
    return out.join(' ');
  }
  if (as === 'hex') return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new CliError(
      `${name} holds bytes that are not UTF-8 text.`,
      EXIT.FAILURE,
      'Read it with --as hex, or as numbers (--as f32, u32, …).',
    );
  }
  if (as === 'text') return text.replace(/\n$/, '');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (err) {
    throw new CliError(
      `${name} does not hold JSON (${(err as Error).message}).`,
      EXIT.FAILURE,
      'Read it with --as text to see what it holds.',
    );
  }
}
