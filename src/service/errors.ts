// Every failure the UI sees is an AppError: a stable code, the cause as a sentence, and what to do about it.
// Raw Node errors ("connect ECONNREFUSED 127.0.0.1:1") never reach a person: they are classified here.
import type { AppError } from '../shared/contract';
import { udevHint } from './udev-hint';

/** An error with a code and hint, thrown by the service so carriers can forward both. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface Classified {
  code: string;
  message: string;
  hint?: string;
}

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

const CHECK_ADDRESS = "Check the camera's address and that it is powered on.";
const CHECK_CABLE = 'Check the cable and pick the port again (Refresh).';
const BUSY_HINT = 'Another program (an IDE, ModemManager) holds the port; close it and retry.';
const TIMEOUT_HINT = 'Check the cable or the network, and that the camera is powered on.';

/** Where a Node socket/file error happened, from the fields Node puts on it. */
function place(err: unknown): string | undefined {
  const address = str(field(err, 'address')) ?? str(field(err, 'hostname'));
  const port = field(err, 'port');
  const path = str(field(err, 'path'));
  if (address) return typeof port === 'number' ? `${address}:${port}` : address;
  // the serialport bindings put the path in the text only
  return path ?? /(\/dev\/[\w./-]+|\bCOM\d+\b)/.exec(err instanceof Error ? err.message : '')?.[1];
}

/** Node's errno codes (uppercase E…) → a sentence and a hint. */
function fromErrno(errno: string, err: unknown): Classified | undefined {
  const where = place(err);
  const at = where ? ` ${where}` : '';
  switch (errno) {
    case 'ECONNREFUSED':
      return {
        code: 'connection-refused',
        message: where ? `Nothing is listening at ${where}.` : 'Nothing is listening at that address.',
        hint: CHECK_ADDRESS,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return {
        code: 'host-not-found',
        message: `The host name${at} could not be resolved.`,
        hint: "Check the spelling, or use the camera's IP address.",
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return {
        code: 'host-unreachable',
        message: where ? `${where} cannot be reached from this machine.` : 'The camera cannot be reached.',
        hint: 'Check that the camera is on the same network and powered on, and the address is right.',
      };
    case 'ETIMEDOUT':
      return {
        code: 'timeout',
        message: `No answer${where ? ` from ${where}` : ''} in time.`,
        hint: TIMEOUT_HINT,
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        code: 'disconnected',
        message: `The connection${where ? ` to ${where}` : ''} was closed by the other side.`,
        hint: CHECK_ADDRESS,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'port-permission',
        message: `Permission denied opening${at || ' the port'}.`,
        hint: udevHint(),
      };
    case 'ENOENT':
      return {
        code: 'port-not-found',
        message: `There is no port${at || ' at that path'}.`,
        hint: CHECK_CABLE,
      };
    case 'EBUSY':
      return { code: 'port-busy', message: `The port${at} is in use by another program.`, hint: BUSY_HINT };
    default:
      return undefined;
  }
}

/** A hint for the host's typed error codes that carry none of their own. */
const CODE_HINTS: Record<string, string> = {
  timeout: TIMEOUT_HINT,
  'no-answer': 'Check that the camera runs OpenMV firmware 5.x and that no other program holds the port.',
  disconnected: 'Check the cable or the network, then connect again.',
  'port-busy': BUSY_HINT,
  'port-not-found': CHECK_CABLE,
  'port-open': CHECK_CABLE,
  'connection-refused': CHECK_ADDRESS,
  'host-unreachable': CHECK_ADDRESS,
  'host-not-found': "Check the spelling, or use the camera's IP address.",
  'connect-timeout': CHECK_ADDRESS,
  'bad-target': 'Use a serial path (/dev/ttyACM0, COM3), udp://host:port or tcp://host:port.',
  'channel-not-found': "The camera script does not register that channel; check the script's channels.",
  'config-rejected': 'The camera refused the value; the confirmed value is shown.',
  'config-invalid': 'The camera script sent config that is not valid JSON.',
  busy: 'The camera was busy; try again.',
  sequence: 'The link got out of step; camdeck resyncs by itself. Try again.',
  reboot: 'The camera restarted its script; camdeck has resynced. Try again.',
  checksum: 'Turn ACKs back on (the default) on a noisy link: the camera then re-sends corrupted packets.',
  'bad-response': 'The camera sent a reply camdeck cannot use; check the firmware version (5.x).',
};

/** A hint as a sentence: capital first letter, closing full stop (some host hints are bare phrases). */
function asSentence(hint: string): string {
  const h = hint.trim();
  return `${h.charAt(0).toUpperCase()}${h.slice(1)}${/[.!?)]$/.test(h) ? '' : '.'}`;
}

/** Classify any thrown value into a code, a sentence and a hint. */
export function classifyError(err: unknown): Classified {
  const c = classify(err);
  // the service's own errors are worded by the service; the host's and Node's are normalised
  return c.hint && !(err instanceof ServiceError) ? { ...c, hint: asSentence(c.hint) } : c;
}

function classify(err: unknown): Classified {
  const raw = err instanceof Error ? err.message : String(err);
  if (err instanceof ServiceError)
    return { code: err.code, message: raw, ...(err.hint ? { hint: err.hint } : {}) };
  const name = err instanceof Error ? err.name : '';
  const code = field(err, 'code');
  const ownHint = str(field(err, 'hint'));

  // Node errno errors: never show "connect ECONNREFUSED …" as such
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    const c = fromErrno(code, err);
    if (c) return c;
  }
  // the host's typed errors carry a stable lowercase code (and often their own hint)
  if (typeof code === 'string' && /^[a-z][a-z-]*$/.test(code)) {
    if (code === 'port-permission') return { code, message: raw, hint: udevHint() };
    if (code === 'disconnected' && /^link closed$/i.test(raw))
      return { code, message: "The camera's link closed.", hint: CODE_HINTS['disconnected']! };
    if (code === 'timeout')
      return { code, message: 'The camera did not answer in time.', hint: ownHint ?? TIMEOUT_HINT };
    if (code === 'no-answer')
      return {
        code,
        // the raw text names protocol opcodes ("PROTO_SYNC on channel 0…"): say it from the user's side
        message: /stopped answering/.test(raw)
          ? 'The camera stopped answering.'
          : 'The camera did not answer.',
        hint: CODE_HINTS['no-answer']!,
      };
    const missing = /^no channel "(.*)" \(camera has: (.*)\)$/.exec(raw);
    if (code === 'channel-not-found' && missing)
      return {
        code,
        message: `The camera has no channel "${missing[1]}".`,
        hint: `Its channels: ${missing[2]}. The camera script registers them; check the name.`,
      };
    if (code === 'reboot')
      return { code, message: 'The camera rebooted before it answered.', hint: CODE_HINTS['reboot']! };
    if (code === 'busy')
      return {
        code,
        message: 'The camera was busy and did not take the request.',
        hint: CODE_HINTS['busy']!,
      };
    // The host calls it config-format; the contract has one name for it.
    if (code === 'config-format')
      return { code: 'config-invalid', message: raw, hint: CODE_HINTS['config-invalid']! };
    if (code.startsWith('nak-')) {
      const status = code.slice(4).toUpperCase();
      return {
        code,
        message: `The camera refused the request (status ${status}).`,
        hint: ownHint ?? 'The camera script rejected it; check the channel and the value.',
      };
    }
    const hint = ownHint ?? CODE_HINTS[code];
    return { code, message: raw, ...(hint ? { hint } : {}) };
  }
  if (name === 'ConfigRejectedError')
    return { code: 'config-rejected', message: raw, hint: ownHint ?? CODE_HINTS['config-rejected']! };
  if (name === 'ConfigFormatError')
    return { code: 'config-invalid', message: raw, hint: CODE_HINTS['config-invalid']! };
  if (name === 'BadRequestError') return { code: 'bad-request', message: raw };
  if (/unsupported target|not a camera address|unsupported scheme/i.test(raw))
    return { code: 'bad-target', message: raw, hint: CODE_HINTS['bad-target']! };

  // plain Errors whose text is all we have (e.g. the serialport bindings' messages)
  const m = /\b(E[A-Z]{3,})\b/.exec(raw);
  if (m) {
    const c = fromErrno(m[1]!, err);
    if (c) return { ...c, message: c.message };
  }
  if (/permission denied|access denied/i.test(raw))
    return { code: 'port-permission', message: raw, hint: udevHint() };
  if (/no such file|not found/i.test(raw)) return { code: 'port-not-found', message: raw, hint: CHECK_CABLE };
  if (/resource busy|cannot lock/i.test(raw)) return { code: 'port-busy', message: raw, hint: BUSY_HINT };
  if (name === 'TimeoutError' || /timed? ?out/i.test(raw))
    return { code: 'timeout', message: raw, hint: TIMEOUT_HINT };
  return {
    code: 'internal',
    message: raw,
    hint: 'This looks like a bug in camdeck; try again, and report it if it keeps happening.',
  };
}

export function toAppError(err: unknown, now: () => number = Date.now): AppError {
  return { ...classifyError(err), at: now() };
}

/** An Error carrying the classified code/hint, for rejecting a request. */
export function asServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  const c = classifyError(err);
  const e = new ServiceError(c.code, c.message, c.hint);
  if (err instanceof Error) e.stack = err.stack;
  return e;
}

/** The text a person sees for a failed request: the cause, then what to do (carriers that cannot carry a hint). */
export function userMessage(c: { message: string; hint?: string }): string {
  return c.hint ? `${c.message} — ${c.hint}` : c.message;
}
