// Adapt a Node byte stream (socket, tty) to the ByteLink the engine serves.
import type { Readable, Writable } from 'node:stream';
import { LinkListeners, type ByteLink } from '../../protocol';

const MAX_BACKLOG = 256 * 1024;

export function streamLink(input: Readable, output: Writable, destroy: () => void): ByteLink {
  const events = new LinkListeners();
  const finish = (reason?: Error): void => {
    if (events.end(reason)) destroy();
  };
  input.on('data', (chunk: Buffer) => {
    events.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
  });
  input.on('end', () => finish());
  input.on('close', () => finish());
  input.on('error', (e) => finish(e));
  output.on('error', (e) => finish(e));
  return {
    get closed() {
      return events.closed;
    },
    write(bytes: Uint8Array) {
      if (events.closed) throw new Error('link is closed');
      // Nobody reads (host gone, port not open): drop like a USB write that times out, bounding memory.
      if (output.writableLength > MAX_BACKLOG) return;
      // Copy: the engine may reuse its buffers once write() returns.
      output.write(Buffer.from(bytes));
    },
    onData: (l) => events.onData(l),
    onClose: (l) => events.onClose(l),
    close() {
      finish();
    },
  };
}
