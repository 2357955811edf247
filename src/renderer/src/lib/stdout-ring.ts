// A bounded ring of stdout lines. Text arrives in arbitrary chunks; a trailing partial line stays open
// until its newline arrives. Oldest lines go first; `evicted` counts them for the console header.

export interface StdoutRing {
  lines: readonly string[];
  /** The unterminated tail of the last chunk. */
  partial: string;
  /** Lines pushed out of the ring by newer ones. */
  evicted: number;
}

export const emptyRing: StdoutRing = { lines: [], partial: '', evicted: 0 };

/** Longest single line kept; a script printing without newlines must not grow one string forever. */
export const MAX_LINE = 4000;

export function appendStdout(ring: StdoutRing, text: string, maxLines: number): StdoutRing {
  if (!text) return ring;
  const parts = (ring.partial + text).replace(/\r\n/g, '\n').split('\n');
  let partial = parts.pop() ?? '';
  const added: string[] = [];
  for (const p of parts) added.push(p.length > MAX_LINE ? p.slice(0, MAX_LINE) + '…' : p);
  while (partial.length > MAX_LINE) {
    added.push(partial.slice(0, MAX_LINE));
    partial = partial.slice(MAX_LINE);
  }
  if (added.length === 0) return { ...ring, partial };
  const all = ring.lines.length + added.length;
  const drop = Math.max(0, all - maxLines);
  const lines =
    drop >= ring.lines.length ? added.slice(drop - ring.lines.length) : [...ring.lines.slice(drop), ...added];
  return { lines, partial, evicted: ring.evicted + drop };
}

/** Lines to render: the complete ones plus the open tail, if any. */
export function visibleLines(ring: StdoutRing): readonly string[] {
  return ring.partial ? [...ring.lines, ring.partial] : ring.lines;
}
