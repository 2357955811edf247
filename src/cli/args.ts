// Argument parsing shared by the commands: every bad argument is exit 2 with a message that names the
// argument and what it accepts (node:util's parseArgs messages are rephrased, never shown raw).
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { EXIT } from './exit';

/** A CLI failure with its exit code; `hint` is printed on its own line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad argument (exit 2); the hint points at the command's --help. */
export class UsageError extends CliError {
  constructor(message: string, command?: string) {
    // without a command the caller (withExitCode) adds the hint for the command being run
    super(message, EXIT.USAGE, command ? `Run \`camdeck ${command} --help\` for the options.` : undefined);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs (strict) with readable errors. `--count -1` is taken as the value -1 (parseArgs would call it
 * ambiguous), so the option's own check can say what it accepts.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>> {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const long = a.startsWith('--') ? a.slice(2) : /^-\w$/.test(a) ? shortToLong(options, a[1]!) : undefined;
    if (long && options[long]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`--${long}=${next}`);
      i++;
    } else args.push(a);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(rephrase(err), command);
  }
}

/**
 * `--NAME` with no value after it (at the end, or another option next) is taken as `--NAME=VALUE`: a flag that
 * grew a value (`--demo` → `--demo N`) keeps working bare. A next word that is not an option, or a negative
 * number, is its value as usual, so the option's own check can say what it accepts.
 */
export function bareAs(argv: readonly string[], name: string, value: string): string[] {
  return argv.map((a, i) => {
    const next = argv[i + 1];
    const bare = next === undefined || (next.startsWith('-') && !/^-[\d.]/.test(next));
    return a === `--${name}` && bare ? `--${name}=${value}` : a;
  });
}

function shortToLong(options: Options, short: string): string | undefined {
  return Object.entries(options).find(([, o]) => o.short === short)?.[0];
}

function rephrase(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const quoted = /'([^']+)'/.exec(msg)?.[1] ?? '';
  const opt = quoted.replace(/^-\w, /, '').replace(/ <value>$/, '');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option ${opt}.`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `Unexpected argument "${opt}".`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(msg)) return `${opt} takes no value.`;
    return `${opt} needs a value.`;
  }
  return msg;
}

/** A whole-number option: undefined when absent, else an integer in [min, max] or a UsageError. */
export function intOption(
  command: string,
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} takes a whole number ${range}, not "${value}".`, command);
  }
  return n;
}

/** A positive number option (milliseconds, seconds). */
export function positiveOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} takes a positive number, not "${value}".`, command);
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const list =
    choices.length > 2 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join(' or ');
  throw new UsageError(`--${name} takes ${list}, not "${value}".`, command);
}

/** A file the command was told to write (--out) could not be: say which and why, never the raw errno. */
export function outputError(file: string, err: unknown): CliError {
  const code = (err as { code?: string } | null)?.code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'a file is in the way'
              : 'an I/O error';
  return new CliError(
    `Cannot write ${file} (${why}).`,
    EXIT.FAILURE,
    'Pick another --out path, or fix the folder.',
  );
}
