// Serve the camera on a tty path (one end of a pty pair, a serial adapter). The port is put in raw mode
// so no byte is translated or echoed.
import { openSync } from 'node:fs';
import tty from 'node:tty';
import { constants } from 'node:fs';
import type { SimCam } from '../types';
import { streamLink } from './stream-link';

export interface TtyServer {
  readonly path: string;
  close(): void;
}

export function serveTty(cam: SimCam, path: string): TtyServer {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  if (!tty.isatty(fd)) throw new Error(`${path} is not a tty`);
  const input = new tty.ReadStream(fd);
  input.setRawMode(true);
  const output = new tty.WriteStream(fd);
  let closed = false;
  const link = streamLink(input, output, () => {
    if (closed) return;
    closed = true;
    input.destroy();
    output.destroy();
  });
  cam.attach(link);
  return {
    path,
    close: () => link.close(),
  };
}
