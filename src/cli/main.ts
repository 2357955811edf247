// `camdeck <command> [options]`: dispatches to one module per command in ./commands.
// Each command module exports `summary`, `usage` and `run(argv) → exit code`.
import { EXIT } from './exit';

export interface CommandModule {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Lazily loaded so `camdeck --help` and light commands start fast. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  ports: { summary: 'list serial ports, marking OpenMV cameras', load: () => import('./commands/ports') },
  info: {
    summary: 'print version, system info, caps and channels as JSON',
    load: () => import('./commands/info'),
  },
  read: { summary: 'read a channel', load: () => import('./commands/read') },
  write: { summary: 'write data or @file to a channel', load: () => import('./commands/write') },
  frames: {
    summary: 'save frames from the frame or stream channel',
    load: () => import('./commands/frames'),
  },
  bench: {
    summary: 'measure frame rate, throughput and round trips',
    load: () => import('./commands/bench'),
  },
  simcam: {
    summary: 'run the simulated camera on a pty, TCP or UDP',
    load: () => import('./commands/simcam'),
  },
  serve: {
    summary: 'serve the app to a browser (browser-host mode)',
    load: () => import('./commands/serve'),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'camdeck — watch and tune cameras speaking the OpenMV Protocol',
    '',
    'Usage: camdeck <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    '--port accepts a serial path (e.g. /dev/ttyACM0), udp://host:port, tcp://host:port or "demo".',
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
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\n${cmd.usage}`);
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
