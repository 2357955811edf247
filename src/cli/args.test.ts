import { describe, expect, it } from 'vitest';
import {
  UsageError,
  bareAs,
  choiceOption,
  intOption,
  outputError,
  parseCommandArgs,
  positiveOption,
} from './args';
import { EXIT } from './exit';

const OPTS = { count: { type: 'string', short: 'n' }, json: { type: 'boolean' } } as const;

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(EXIT.USAGE);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommandArgs', () => {
  it('takes "--count -1" and "-n -1" as the value -1, so the option check can name it', () => {
    expect(parseCommandArgs('frames', ['--count', '-1'], OPTS).values.count).toBe('-1');
    expect(parseCommandArgs('frames', ['-n', '-1'], OPTS).values.count).toBe('-1');
  });

  it.each([
    [['--bogus'], 'Unknown option --bogus.'],
    [['--count'], '--count needs a value.'],
    [['--json=1'], '--json takes no value.'],
    [['extra'], 'Unexpected argument "extra".'],
  ])('%j → %s (exit 2, with a --help hint)', (argv, message) => {
    const e = usage(() => parseCommandArgs('frames', argv, OPTS));
    expect(e.message).toBe(message);
    expect(e.hint).toBe('Run `camdeck frames --help` for the options.');
  });
});

describe('bareAs: a flag that grew a value still works bare', () => {
  it.each([
    [['--demo'], ['--demo=1']],
    [
      ['--demo', '--open'],
      ['--demo=1', '--open'],
    ],
    [
      ['--camera', 'auto', '--demo'],
      ['--camera', 'auto', '--demo=1'],
    ],
    [
      ['--demo', '3'],
      ['--demo', '3'],
    ],
    // a value the option's own check then refuses, by name
    [
      ['--demo', 'two'],
      ['--demo', 'two'],
    ],
    [
      ['--demo', '-1'],
      ['--demo', '-1'],
    ],
    [['--demo=4'], ['--demo=4']],
  ])('%j → %j', (argv, out) => {
    expect(bareAs(argv, 'demo', '1')).toEqual(out);
  });
});

describe('option checks name the argument and what it accepts', () => {
  it.each([
    [() => intOption('frames', 'count', '-1', 1), '--count takes a whole number of 1 or more, not "-1".'],
    [() => intOption('frames', 'count', 'abc', 1), '--count takes a whole number of 1 or more, not "abc".'],
    [() => intOption('x', 'offset', '1.5', 0), '--offset takes a whole number of 0 or more, not "1.5".'],
    [() => intOption('x', 'n', '', 0, 9), '--n takes a whole number from 0 to 9, not "".'],
    [() => positiveOption('x', 'timeout', '0'), '--timeout takes a positive number, not "0".'],
    [() => choiceOption('x', 'ack', 'maybe', ['on', 'off']), '--ack takes on or off, not "maybe".'],
    [() => choiceOption('x', 'as', 'f16', ['f32', 'u8', 'hex']), '--as takes f32, u8 or hex, not "f16".'],
  ])('%#: %s', (fn, message) => {
    expect(usage(fn).message).toBe(message);
  });

  it('accepts good values and absent ones', () => {
    expect(intOption('x', 'count', '3', 1)).toBe(3);
    expect(intOption('x', 'count', undefined, 1)).toBeUndefined();
    expect(positiveOption('x', 'timeout', '0.5')).toBe(0.5);
    expect(choiceOption('x', 'ack', 'on', ['on', 'off'])).toBe('on');
  });
});

describe('outputError', () => {
  it('says which file and why, in words, with a hint', () => {
    const e = outputError(
      '/x/y.jpg',
      Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }),
    );
    expect(e).toMatchObject({
      exitCode: EXIT.FAILURE,
      message: 'Cannot write /x/y.jpg (permission denied).',
    });
    expect(e.hint).toMatch(/--out/);
    expect(outputError('/x', Object.assign(new Error(''), { code: 'ENOTDIR' })).message).toBe(
      'Cannot write /x (a file is in the way).',
    );
  });
});
