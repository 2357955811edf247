// What a person reads when something fails: a sentence (capital, full stop) and what to do about it.
// Codes stay machine-readable (data-code) and are never the text itself.

/** Hints for failures the page itself detects, or that reach it without one. */
const HINTS: Record<string, string> = {
  'server-lost': 'The camdeck server stopped or restarted; this page reconnects by itself.',
  timeout: 'Check the cable or the network to the camera, then try again.',
  disconnected: 'Pick a port and press Connect.',
  'not-connected': 'Pick a port (or the demo camera) and press Connect.',
  'no-frame': 'Connect a camera and wait for the first frame.',
  'frame-decode': 'The camera sent a damaged frame; the next frames are shown as they arrive.',
  'frames-failed': 'Reload the page; if this repeats, check that the camdeck server is still running.',
  'snapshot-failed': 'Try again with the next frame.',
  'ports-failed': 'Press Refresh to list the ports again.',
  'config-read-failed': 'Press Reload in the Config panel to read it again.',
  wire: 'Reload the page; the page and the camdeck server may be different versions.',
  'bad-message': 'Reload the page; the page and the camdeck server may be different versions.',
  'ui-error': 'This looks like a bug in camdeck; reload the page, and report it if it keeps happening.',
};

const FALLBACK_HINT = 'Try again; if it keeps happening, disconnect and connect the camera again.';

/** A bare code or errno ("EACCES", "port-busy") is no message. */
function isBareCode(text: string): boolean {
  return /^[A-Z][A-Z0-9_]+$/.test(text) || /^[a-z]+(-[a-z]+)+$/.test(text);
}

/** Capital first letter, closing punctuation. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!;
  const s = first.toUpperCase() === first ? t : first.toUpperCase() + t.slice(1);
  return /[.!?…)]$/.test(s) ? s : `${s}.`;
}

export interface Presented {
  message: string;
  hint: string;
}

/** The text of an error as shown: never a raw code, always with a hint. */
/** `code` as text: it may come from a newer or older server than this page. */
export function presentError(e: { code: string; message: string; hint?: string }): Presented {
  const raw = e.message.trim();
  const message = !raw || isBareCode(raw) ? 'Something went wrong in camdeck.' : sentence(raw);
  const hint = sentence(e.hint?.trim() || HINTS[e.code] || FALLBACK_HINT);
  return { message, hint };
}
