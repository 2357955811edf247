// Every failure the UI sees is an AppError: a stable code, the cause as a sentence, and what to do about it.
// Our own errors carry a code, and one table (WORDS) says each code in words. Errors that are not ours (Node's
// "connect ECONNREFUSED 127.0.0.1:1", the serialport bindings' texts) never reach a person as such: foreign()
// gives them a code first.
import { LINK_CLOSED } from '../host';
import { NAK_CODES, isErrorCode } from '../model';
import type { AppError, ErrorCode, NakCode } from '../model';
import { udevHint } from './udev-hint';

/** An error with a code and hint, thrown by the service so carriers can forward both. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface Classified {
  code: ErrorCode;
  message: string;
  hint: string;
}

/** What the table reads off one of our errors: its text, its own hint, and the facts some classes carry. */
interface Facts {
  code: ErrorCode;
  text: string;
  hint: string | undefined;
  /** ChannelNotFoundError: the channel asked for, and the ones the camera has */
  channel: string | undefined;
  known: readonly string[] | undefined;
  /** NoAnswerError: 'connect' or 'resync' */
  phase: string | undefined;
  /** ProtocolError: the firmware's status name */
  statusName: string | undefined;
}

interface Wording {
  /** The sentence shown. */
  say: (f: Facts) => string;
  /** What to do about it. */
  hint: (f: Facts) => string;
  /** This hint replaces the one the error carries (which cannot know this machine). */
  hintWins?: true;
}

const fixed = (s: string) => (): string => s;
/** The error's own text is the sentence (the host and the service name the port, the value, the reason). */
const own =
  (fallback: string) =>
  (f: Facts): string =>
    f.text || fallback;
const words = (say: string, hint: string): Wording => ({ say: own(say), hint: fixed(hint) });

const CHECK_ADDRESS = "Check the camera's address and that it is powered on.";
const CHECK_CABLE = 'Check the cable and pick the port again (Refresh).';
const BUSY_HINT = 'Another program (an IDE, ModemManager) holds the port; close it and retry.';
const TIMEOUT_HINT = 'Check the cable or the network, and that the camera is powered on.';
const RELOAD_HINT = 'Reload the page; the page and the camdeck server may be different versions.';
const BUG_HINT = 'This looks like a bug in camdeck; try again, and report it if it keeps happening.';

/** NAKs that say the bytes were damaged or out of order on the way, not that the camera refused. */
const LINK_NAKS: ReadonlySet<NakCode> = new Set([
  'nak-checksum',
  'nak-sequence',
  'nak-overflow',
  'nak-timeout',
  'nak-fragment',
]);

const LINK_NAK: Wording = {
  say: (f) =>
    `The request did not reach the camera intact (status ${f.statusName ?? f.code.slice(4).toUpperCase()}).`,
  hint: fixed(
    'The link garbled it, not the camera script: try again, and check the cable if it keeps happening.',
  ),
};

const NAK: Wording = {
  say: (f) => `The camera refused the request (status ${f.statusName ?? f.code.slice(4).toUpperCase()}).`,
  hint: fixed('The camera script rejected it; check the channel and the value.'),
};

/** Each code → the sentence a person reads and what to do about it. */
const WORDS: { readonly [C in ErrorCode]: Wording } = {
  // the link to the camera: the host's texts name opcodes, so most are said from the user's side
  timeout: { say: fixed('The camera did not answer in time.'), hint: fixed(TIMEOUT_HINT) },
  'no-answer': {
    say: (f) => (f.phase === 'resync' ? 'The camera stopped answering.' : 'The camera did not answer.'),
    hint: fixed('Check that the camera runs OpenMV firmware 5.x and that no other program holds the port.'),
  },
  disconnected: {
    say: (f) => (f.text && f.text !== LINK_CLOSED ? f.text : "The camera's link closed."),
    hint: fixed('Check the cable or the network, then connect again.'),
  },
  sequence: words(
    'The link to the camera got out of step.',
    'The link got out of step; camdeck resyncs by itself. Try again.',
  ),
  checksum: words(
    'A reply from the camera was corrupted.',
    'Turn ACKs back on (the default) on a noisy link: the camera then re-sends corrupted packets.',
  ),
  reboot: {
    say: fixed('The camera rebooted before it answered.'),
    hint: fixed('The camera restarted its script; camdeck has resynced. Try again.'),
  },
  busy: {
    say: fixed('The camera was busy and did not take the request.'),
    hint: fixed('The camera was busy; try again.'),
  },
  'bad-response': words(
    'The camera sent a reply camdeck cannot use.',
    'The camera sent a reply camdeck cannot use; check the firmware version (5.x).',
  ),
  purged: words('A queued poll was dropped while the link resynced.', 'It is asked again at the next poll.'),
  resyncing: words(
    'The link to the camera is being restored.',
    'Wait a moment; the frames resume by themselves.',
  ),
  reconnecting: words(
    'The camera went away; camdeck is reconnecting.',
    'Check the cable; it reconnects when the camera is back.',
  ),
  ...(Object.fromEntries(NAK_CODES.map((c) => [c, LINK_NAKS.has(c) ? LINK_NAK : NAK])) as Record<
    NakCode,
    Wording
  >),
  // opening a port or a socket
  'port-permission': {
    say: own('Permission denied opening the port.'),
    hint: () => udevHint(),
    hintWins: true,
  },
  'port-not-found': words('There is no port at that path.', CHECK_CABLE),
  'port-busy': words('The port is in use by another program.', BUSY_HINT),
  'port-open': words('The port could not be opened.', CHECK_CABLE),
  'connection-refused': words('Nothing is listening at that address.', CHECK_ADDRESS),
  'host-not-found': words(
    'The host name could not be resolved.',
    "Check the spelling, or use the camera's IP address.",
  ),
  'host-unreachable': words(
    'The camera cannot be reached.',
    'Check that the camera is on the same network and powered on, and the address is right.',
  ),
  'connect-timeout': words('The camera did not answer the connection in time.', CHECK_ADDRESS),
  'bad-target': words(
    'That is not a camera address.',
    'Use a serial path (/dev/ttyACM0, COM3), udp://host:port or tcp://host:port.',
  ),
  'network-off': words(
    'This camdeck server does not connect to network cameras.',
    'Start it with `camdeck serve --allow-network` to use tcp:// and udp:// cameras.',
  ),
  'remote-refused': words(
    'The other camdeck refused the connection.',
    'Use the access token that `camdeck serve` printed on that machine (the URL ends in ?token=…).',
  ),
  'remote-unreachable': words(
    'The other camdeck cannot be reached.',
    'Check that `camdeck serve --allow-network --host 0.0.0.0` runs on that machine and the address is right.',
  ),
  // channels and config
  'channel-not-found': {
    say: (f) =>
      f.channel !== undefined
        ? `The camera has no channel "${f.channel}".`
        : own('The camera has no such channel.')(f),
    hint: (f) =>
      f.known
        ? `Its channels: ${f.known.join(', ') || 'none'}. The camera script registers them; check the name.`
        : "The camera script does not register that channel; check the script's channels.",
  },
  'write-refused': words(
    'The camera refused the write.',
    'Nothing was applied; check what the channel accepts.',
  ),
  'config-rejected': words(
    'The camera refused the config value.',
    'The camera refused the value; the confirmed value is shown.',
  ),
  'config-invalid': words(
    'The camera script sent config that is not valid JSON.',
    "Check the camera script's config channel: it must return a JSON object.",
  ),
  'config-too-large': words(
    'The camera script sent more config than camdeck reads.',
    "Publish fewer keys in the camera script's config channel (the README's config limits).",
  ),
  // the service
  closed: words('camdeck is shutting down.', 'Start camdeck again.'),
  'not-connected': words('No camera is connected.', 'Pick a port (or the demo camera) and connect.'),
  'no-camera': words(
    'This camdeck holds no camera with that id.',
    'The camera was closed or never opened here; pick it again from the port list.',
  ),
  'no-config': words(
    'This camera script has no config channel.',
    'Register a "config" channel in the camera script to change its settings here.',
  ),
  'no-frame': words('There is no frame to save yet.', 'Connect a camera and wait for the first frame.'),
  'snapshot-format': words('This frame cannot be saved in that format.', 'Save as PNG.'),
  'snapshot-failed': words('The snapshot could not be saved.', 'Try again with the next frame.'),
  'snapshot-rate': words('Snapshots are being saved too fast.', 'Wait a moment, then save again.'),
  'snapshot-budget': words(
    'The snapshots folder is full.',
    'Move or delete old snapshots from the snapshots folder, then save again.',
  ),
  'bad-request': words(
    'The request is not one camdeck knows.',
    'This is a bug in the client that sent it; reload the page.',
  ),
  internal: words('Something went wrong in camdeck.', BUG_HINT),
  // the carriers between the page and the service
  'bad-message': words('The message is not one camdeck understands.', RELOAD_HINT),
  wire: words('The server sent a message this page does not understand.', RELOAD_HINT),
  'server-lost': words(
    'The connection to the camdeck server was lost.',
    'The camdeck server stopped or restarted; this page reconnects by itself.',
  ),
  'request-failed': words(
    'The request failed.',
    'Try again; if it keeps happening, disconnect and connect the camera again.',
  ),
  // what the page finds by itself
  'ui-error': words('Something went wrong in the page.', BUG_HINT),
  'frame-decode': words(
    'A frame could not be decoded.',
    'The camera sent a damaged frame; the next frames are shown as they arrive.',
  ),
  'frames-failed': words(
    'The cameras’ frames stopped.',
    'Reload the page; if this repeats, check that the camdeck server is still running.',
  ),
  'ports-failed': words('The ports could not be listed.', 'Press Refresh to list the ports again.'),
  'connect-failed': words('Connecting failed.', 'Check the cable or the address, then connect again.'),
  'disconnect-failed': words(
    'Disconnecting failed.',
    'Unplug the camera or close camdeck if it stays connected.',
  ),
  'state-failed': words('The connection state could not be read.', 'Reload the page.'),
  'streaming-failed': words(
    'Frames could not be switched on or off.',
    'Try again; reconnect the camera if it keeps failing.',
  ),
  'config-read-failed': words(
    'The config could not be read.',
    'Press Reload in the Config panel to read it again.',
  ),
  'snapshot-saved': words('The snapshot was saved.', 'It is in the snapshots folder.'),
};

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function factsOf(err: unknown, code: ErrorCode, text: string): Facts {
  const known = field(err, 'known');
  return {
    code,
    text,
    hint: str(field(err, 'hint')),
    channel: str(field(err, 'channel')),
    known: Array.isArray(known) && known.every((k) => typeof k === 'string') ? known : undefined,
    phase: str(field(err, 'phase')),
    statusName: str(field(err, 'statusName')),
  };
}

/** The table's hint for a code, for an error that brings none of the facts. */
const tableHint = (code: ErrorCode): string => WORDS[code].hint(factsOf(undefined, code, ''));

/** One of our errors, said by the table. */
function fromTable(err: unknown, code: ErrorCode, text: string): Classified {
  const w = WORDS[code];
  const f = factsOf(err, code, text);
  return { code, message: w.say(f), hint: (!w.hintWins && f.hint) || w.hint(f) };
}

/** Where a Node socket/file error happened, from the fields Node puts on it. */
function place(err: unknown): string | undefined {
  const address = str(field(err, 'address')) ?? str(field(err, 'hostname'));
  const port = field(err, 'port');
  const path = str(field(err, 'path'));
  if (address) return typeof port === 'number' ? `${address}:${port}` : address;
  // the serialport bindings put the path in the text only
  return path ?? /(\/dev\/[\w./-]+|\bCOM\d+\b)/.exec(err instanceof Error ? err.message : '')?.[1];
}

/** Node's errno codes (uppercase E…) → a code and a sentence that says where. */
function fromErrno(errno: string, err: unknown): { code: ErrorCode; message: string } | undefined {
  const where = place(err);
  const at = where ? ` ${where}` : '';
  switch (errno) {
    case 'ECONNREFUSED':
      return {
        code: 'connection-refused',
        message: where ? `Nothing is listening at ${where}.` : 'Nothing is listening at that address.',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return { code: 'host-not-found', message: `The host name${at} could not be resolved.` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return {
        code: 'host-unreachable',
        message: where ? `${where} cannot be reached from this machine.` : 'The camera cannot be reached.',
      };
    case 'ETIMEDOUT':
      return { code: 'timeout', message: `No answer${where ? ` from ${where}` : ''} in time.` };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        code: 'disconnected',
        message: `The connection${where ? ` to ${where}` : ''} was closed by the other side.`,
      };
    case 'EACCES':
    case 'EPERM':
      return { code: 'port-permission', message: `Permission denied opening${at || ' the port'}.` };
    case 'ENOENT':
      return { code: 'port-not-found', message: `There is no port${at || ' at that path'}.` };
    case 'EBUSY':
      return { code: 'port-busy', message: `The port${at} is in use by another program.` };
    default:
      return undefined;
  }
}

/**
 * An error that is not ours has no code from the table. Node puts its errno on `code`; the serialport
 * bindings put it (or only words for it) in the text, and parseTarget throws a plain RangeError: so the
 * text is read here, and only here.
 */
function foreign(err: unknown, text: string): Classified | undefined {
  if (/unsupported target|not a camera address|unsupported scheme/i.test(text))
    return fromTable(err, 'bad-target', text);
  const code = field(err, 'code');
  const errnos = [
    typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : undefined,
    /\b(E[A-Z]{3,})\b/.exec(text)?.[1],
    /permission denied|access denied/i.test(text) ? 'EACCES' : undefined,
    /no such file|not found/i.test(text) ? 'ENOENT' : undefined,
    /resource busy|cannot lock/i.test(text) ? 'EBUSY' : undefined,
    field(err, 'name') === 'TimeoutError' || /timed? ?out/i.test(text) ? 'ETIMEDOUT' : undefined,
  ];
  for (const errno of errnos) {
    const c = errno === undefined ? undefined : fromErrno(errno, err);
    if (c) return { ...c, hint: tableHint(c.code) };
  }
  return undefined;
}

/** A hint as a sentence: capital first letter, closing full stop (some host hints are bare phrases). */
function asSentence(hint: string): string {
  const h = hint.trim();
  return `${h.charAt(0).toUpperCase()}${h.slice(1)}${/[.!?)]$/.test(h) ? '' : '.'}`;
}

/** Classify any thrown value into a code, a sentence and a hint. */
export function classifyError(err: unknown): Classified {
  const text = err instanceof Error ? err.message : String(err);
  // already classified (asServiceError) or worded by the service itself: kept as it is
  if (err instanceof ServiceError)
    return { code: err.code, message: text, hint: err.hint ?? tableHint(err.code) };
  const code = field(err, 'code');
  const c = isErrorCode(code)
    ? fromTable(err, code, text)
    : (foreign(err, text) ?? fromTable(undefined, 'internal', text));
  return { ...c, hint: asSentence(c.hint) };
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
