// Adapt a Node byte stream (socket, tty) to the ByteLink the engine serves.
import type { Readable, Writable } from 'node:stream';
import type { ByteLink } from '../../protocol';

const MAX_BACKLOG = 256 * 1024;

export function streamLink(input: Readable, output: Writable, destroy: () => void): ByteLink {
  const data = new Set<(chunk: Uint8Array) => void>();
  const closes = new Set<(reason?: Error) => void>();
  let closed = false;
  const finish = (reason?: Error): void => {
    if (closed) return;
    closed = true;
    for (const l of closes) l(reason);
    destroy();
  };
  input.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (const l of data) l(bytes);
  });
  input.on('end', () => finish());
  input.on('close', () => finish());
  input.on('error', (e) => finish(e));
  output.on('error', (e) => finish(e));
  return {
    get closed() {
      return closed;
    },
    write(bytes: Uint8Array) {
      if (closed) throw new Error('link is closed');
      // Nobody reads (host gone, port not open): drop like a USB write that times out, bounding memory.
      if (output.writableLength > MAX_BACKLOG) return;
      // Copy: the engine may reuse its buffers once write() returns.
      output.write(Buffer.from(bytes));
    },
    onData(l) {
      data.add(l);
      return () => data.delete(l);
    },
    onClose(l) {
      closes.add(l);
      return () => closes.delete(l);
    },
    close() {
      finish();
    },
  };
}
