// `camdeck write CH DATA|@FILE`: write bytes to a channel; exit 0 only when the camera ACKed every chunk.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ProtocolError } from '../../host';
import { EXIT } from '../exit';
import { TARGET_HELP, TARGET_OPTIONS, channelRef, openTarget, withExitCode } from './ports';

export const summary = 'write data or @file to a channel';
export const usage = `Usage: camdeck write CHANNEL DATA|@FILE [--port P] [--offset N] [--ack on|off] [--max-payload N]

Writes DATA (as UTF-8 text) or the bytes of FILE to a channel, e.g.
  camdeck write config '{"quality": 50}' --port demo
Exit code 0 when the camera accepted the write, 1 when it refused it (NAK) or did not answer.

  ${TARGET_HELP}
  --offset N    offset of the first chunk (default 0)`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('write', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...TARGET_OPTIONS, offset: { type: 'string' } },
    });
    if (positionals.length !== 2) {
      console.error(`camdeck write: expected CHANNEL and DATA|@FILE\n\n${usage}`);
      return EXIT.USAGE;
    }
    const [ch, arg] = positionals as [string, string];
    const data = arg.startsWith('@')
      ? new Uint8Array(await readFile(arg.slice(1)))
      : new TextEncoder().encode(arg);
    if (!data.length) {
      console.error('camdeck write: nothing to write');
      return EXIT.USAGE;
    }
    const offset = values.offset === undefined ? 0 : Number(values.offset);
    if (!Number.isInteger(offset) || offset < 0) {
      console.error('camdeck write: --offset must be a whole number');
      return EXIT.USAGE;
    }
    const opened = await openTarget(values);
    try {
      await opened.camera.channelWrite(channelRef(ch), data, offset);
      console.error(`camdeck write: ${data.length} bytes accepted by ${ch}`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof ProtocolError) {
        console.error(`camdeck write: camera refused the write: ${err.statusName}`);
        return EXIT.FAILURE;
      }
      throw err;
    } finally {
      opened.close();
    }
  });
}
