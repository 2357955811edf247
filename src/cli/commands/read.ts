// `camdeck read CH`: read a channel (SIZE then READ) to stdout or a file.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT } from '../exit';
import { TARGET_HELP, TARGET_OPTIONS, channelRef, openTarget, withExitCode } from './ports';

export const summary = 'read a channel';
export const usage = `Usage: camdeck read CHANNEL [--port P] [--out FILE] [--offset N] [--length N]
                    [--ack on|off] [--max-payload N]

Reads a channel by name (config, frame, stdout…) or id. Without --length it asks the channel's
SIZE and reads all of it. Bytes go to stdout unless --out is given.

  ${TARGET_HELP}
  --out FILE    write the bytes to FILE
  --offset N    read offset (default 0)
  --length N    bytes to read (default: the channel's size)`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('read', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...TARGET_OPTIONS,
        out: { type: 'string', short: 'o' },
        offset: { type: 'string' },
        length: { type: 'string' },
      },
    });
    if (positionals.length !== 1) {
      console.error(`camdeck read: expected one CHANNEL\n\n${usage}`);
      return EXIT.USAGE;
    }
    const num = (s: string | undefined, what: string): number | undefined => {
      if (s === undefined) return undefined;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0)
        throw new TypeError(`Unexpected argument: ${what} must be a whole number`);
      return n;
    };
    const offset = num(values.offset, '--offset');
    const length = num(values.length, '--length');
    const opened = await openTarget(values);
    try {
      const data = await opened.camera.channelRead(channelRef(positionals[0]!), { offset, length });
      if (values.out) {
        await writeFile(values.out, data);
        console.error(`camdeck read: ${data.length} bytes → ${values.out}`);
      } else {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(data, (e) => (e ? reject(e) : resolve())),
        );
      }
      return EXIT.OK;
    } finally {
      opened.close();
    }
  });
}
