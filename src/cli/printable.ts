// Text a camera controls (channel names, what its script printed, a refusal's reason, USB descriptor
// strings) on its way to a terminal: control characters and other terminal escapes are shown as escapes,
// never obeyed. A camera must not be able to move the cursor, retitle the window, clear the screen or hide
// text (ESC sequences, C1 controls like CSI U+009B, bidi overrides) in camdeck's messages.

/** C0 controls, DEL, C1 controls, and the bidi controls that reorder what a terminal shows. */
/* eslint-disable no-control-regex -- matching control characters is the point */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, newline and tab left out. */
const UNSAFE_KEEP_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe to print: every control character as a visible escape (`\x1b`, `\r`, `\u202e`). With
 * `lines`, newlines and tabs stay (the text is several lines, e.g. a channel's text shown on a terminal).
 */
export function printable(text: string, opts: { lines?: boolean } = {}): string {
  return text.replace(opts.lines ? UNSAFE_KEEP_LINES : UNSAFE, escape);
}
