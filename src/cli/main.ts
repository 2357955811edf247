// `camdeck <command> [options]`: dispatches to one module per command in ./commands.
// Each command module exports `usage` and `run(argv) → exit code`; its summary lives here.
import { EXIT } from './exit';

export interface CommandModule {
  usage: string;
  run(argv: string[]): Promise<number>;
}

/**
 * Each command's one-line summary (for `camdeck --help` and the command's own --help) and its module,
 * loaded lazily so `camdeck --help` and light commands start fast.
 */
const COMMANDS: Record<string, [summary: string, load: () => Promise<CommandModule>]> = {
  ports: ['list serial ports, marking OpenMV cameras', () => import('./commands/ports')],
  info: ['print version, system info, caps and channels as JSON', () => import('./commands/info')],
  read: ['read a channel', () => import('./commands/read')],
  write: ['write data or @file to a channel', () => import('./commands/write')],
  frames: ['save frames from the frame or stream channel', () => import('./commands/frames')],
  bench: ['measure frame rate, throughput and round trips', () => import('./commands/bench')],
  simcam: ['run the simulated camera on a pty, TCP or UDP', () => import('./commands/simcam')],
  serve: ['serve the app to a browser (browser-host mode)', () => import('./commands/serve')],
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, [summary]]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    'camdeck — watch and tune cameras speaking the OpenMV Protocol',
    '',
    'Usage: camdeck <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    '--camera accepts a serial path (e.g. /dev/ttyACM0), udp://host:port, tcp://host:port or "demo".',
    "Run `camdeck <command> --help` for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // `camdeck frames | head -1`: the reader left, so stop quietly like any Unix tool (no EPIPE trace)
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.OK);
    throw err;
  });
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(helpText());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version' || name === '-v') {
    const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
    console.log(pkg.version);
    return EXIT.OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`camdeck: unknown command "${name}".\n  hint: Run \`camdeck --help\` for the commands.`);
    return EXIT.USAGE;
  }
  const [summary, load] = entry;
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${summary}\n\n${cmd.usage}`);
    return EXIT.OK;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    // commands report their own failures; this is the last net, still a sentence with a hint
    const { toCliError, report } = await import('./commands/ports');
    const e = toCliError(err);
    report(name, e);
    return e.exitCode;
  }
}
