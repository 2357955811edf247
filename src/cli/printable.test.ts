import { describe, expect, it } from 'vitest';
import { ChannelNotFoundError, WriteRefusedError } from '../host';
import { forTerminal } from './commands/read';
import { formatPort, report, toCliError } from './commands/ports';
import { printable } from './printable';
import { captureConsole } from './test-console.test-util';

const ESC = '\u001b';
/** Anything a terminal would act on: C0 but newline, DEL, C1, bidi overrides. */
// eslint-disable-next-line no-control-regex -- what the test looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it('shows control characters and terminal escapes as escapes', () => {
    expect(printable(`a${ESC}]0;pwned\u0007b`)).toBe('a\\x1b]0;pwned\\x07b');
    expect(printable(`x${ESC}[2J\r\ny\tz\u007f`)).toBe('x\\x1b[2J\\r\\ny\\tz\\x7f');
    expect(printable('\u009b31m \u202eevil')).toBe('\\x9b31m \\u202eevil');
    expect(printable('plain text, µs, “quotes”, 日本')).toBe('plain text, µs, “quotes”, 日本');
  });

  it('keeps newlines and tabs with lines: true', () => {
    expect(printable(`one\ntwo\t${ESC}[1m`, { lines: true })).toBe('one\ntwo\t\\x1b[1m');
  });

  it('read to a terminal: the channel bytes with their escapes shown, lines kept', () => {
    const bytes = new TextEncoder().encode(`temp 36.6\n${ESC}[31mred\u0007\n`);
    expect(forTerminal(bytes)).toBe('temp 36.6\n\\x1b[31mred\\x07\n');
  });
});

describe('camera text in CLI messages', () => {
  const lines = captureConsole();

  it('a channel-not-found error lists the camera channel names escaped', () => {
    const err = new ChannelNotFoundError('temp', ['config', `${ESC}]0;owned${ESC}\\`, `x\r\u009b2J`]);
    report('read', toCliError(err));
    const printed = lines.err.join('\n');
    expect(printed).not.toMatch(CONTROL);
    expect(printed).toContain('\\x1b]0;owned\\x1b\\');
    expect(printed).toContain('x\\r\\x9b2J');
    expect(printed).toMatch(/^camdeck read: The camera has no channel "temp"\.\n {2}hint: Its channels: /);
  });

  it('a refusal quotes what the camera printed, escaped', () => {
    const err = new WriteRefusedError(
      `The camera refused the write to "config" (FAILED): ${ESC}[2Jgone.`,
      'FAILED',
      `${ESC}[2Jgone`,
    );
    report('write', toCliError(err));
    expect(lines.err.join('\n')).not.toMatch(CONTROL);
    expect(lines.err.join('\n')).toContain('\\x1b[2Jgone');
  });

  it('ports: a USB descriptor string is escaped', () => {
    const line = formatPort({
      target: '/dev/ttyACM0',
      path: '/dev/ttyACM0',
      isCamera: false,
      manufacturer: `Evil${ESC}[8m`,
      serialNumber: `1\u0007`,
    });
    expect(line).not.toMatch(CONTROL);
    expect(line).toContain('Evil\\x1b[8m');
  });
});
