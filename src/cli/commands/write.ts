// `camdeck write CH DATA|@FILE`: write bytes to a channel; exit 0 only when the camera ACKed every chunk.
// A refusal says why when the camera printed a reason (host: writeChannel / refusalReason).
import { readFile } from 'node:fs/promises';
import { ChannelId } from '../../protocol';
import { writeChannel } from '../../host';
import { CliError, UsageError, intOption, parseCommandArgs } from '../args';
import { EXIT } from '../exit';
import { TARGET_HELP, TARGET_OPTIONS, channelRef, openTarget, withExitCode } from './ports';

export const usage = `Usage: camdeck write CHANNEL DATA|@FILE [--camera T] [--offset N] [--ack on|off] [--max-payload N]

Writes DATA (as UTF-8 text) or the bytes of FILE to a channel, e.g.
  camdeck write config '{"quality": 50}' --camera demo
Exit code 0 when the camera accepted the write, 1 when it refused it (NAK) or did not answer. A
refusal names the camera's status and what the camera printed on stdout right after, if anything.

  ${TARGET_HELP}
  --offset N    offset of the first chunk (default 0)`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('write', async () => {
    const { values, positionals } = parseCommandArgs(
      'write',
      argv,
      { ...TARGET_OPTIONS, offset: { type: 'string' } },
      true,
    );
    if (positionals.length !== 2)
      throw new UsageError(
        `write takes a CHANNEL and DATA (or @FILE), got ${positionals.length} argument(s).`,
        'write',
      );
    const [ch, arg] = positionals as [string, string];
    let data: Uint8Array;
    if (arg.startsWith('@')) {
      try {
        data = new Uint8Array(await readFile(arg.slice(1)));
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw new CliError(
          code === 'ENOENT'
            ? `There is no file ${arg.slice(1)}.`
            : `Cannot read ${arg.slice(1)} (${code ?? 'error'}).`,
          EXIT.USAGE,
          'Give the path of the file to send after the @.',
        );
      }
    } else data = new TextEncoder().encode(arg);
    if (!data.length) throw new UsageError('DATA is empty: there is nothing to write.', 'write');
    const offset = intOption('write', 'offset', values.offset, 0) ?? 0;
    const opened = await openTarget(values);
    try {
      // whatever the script printed before (its banner) is not the reason for a refusal: drop it first
      if (opened.camera.channelById(ChannelId.STDOUT)) await opened.camera.readStdout().catch(() => '');
      await writeChannel(opened.camera, channelRef(ch), data, offset);
      console.error(`camdeck write: ${data.length} bytes accepted by ${ch}`);
      return EXIT.OK;
    } finally {
      opened.close();
    }
  });
}
