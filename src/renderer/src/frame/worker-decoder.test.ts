// The page ↔ decode-worker path over a real MessageChannel (the platform's, in Node too), with the worker's request handler on the
// far end and a fake bitmap decoder: the bytes move by transfer (the sender's view is detached) and come back.
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameMeta } from '../../../shared/contract';
import type { DecodePort, DecodeReply, DecodeRequest } from './decode-protocol';
import { handleDecodeRequest } from './decode-worker-core';
import { workerDecoder, type FrameDecoder } from './worker-decoder';

const meta = (seq: number, format: FrameMeta['format'] = 'jpeg'): FrameMeta => ({
  camera: 'demo-1',
  seq,
  channel: 'frame',
  width: 4,
  height: 2,
  bytes: 3,
  format,
  receivedAt: 0,
});

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

/** A worker on port2: decodes with `decode`; a fake bitmap is a plain object, so only the bytes are transferred. */
function rig(decode: (bytes: Uint8Array, mime: string) => Promise<ImageBitmap>) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const seen: string[] = [];
  port2.onmessage = (ev: MessageEvent<DecodeRequest>) => {
    const req = ev.data;
    seen.push(`${req.id}:${req.mime}:${req.bytes.length}`);
    void handleDecodeRequest(
      req,
      {
        postMessage: (msg: DecodeReply, transfer: Transferable[]) =>
          port2.postMessage(
            msg,
            transfer.filter((t): t is ArrayBuffer => t instanceof ArrayBuffer),
          ),
      },
      decode,
    );
  };
  port1.start();
  const page = port1 as unknown as DecodePort;
  const here: FrameDecoder = (image) =>
    Promise.resolve({ bitmap: { width: -1, height: -1, close: () => undefined } as ImageBitmap, image });
  return { page, seen, here };
}

/** Plain data (a function would not survive the channel): width = the first byte, height = the length. */
const fakeBitmap = (bytes: Uint8Array) =>
  Promise.resolve({ width: bytes[0]!, height: bytes.length } as unknown as ImageBitmap);

describe('workerDecoder', () => {
  it('moves the bytes to the worker and back with the bitmap', async () => {
    const r = rig(fakeBitmap);
    const d = workerDecoder(r.page, r.here);
    const message = new Uint8Array([0xee, 0xee, 7, 8, 9]); // a carrier message: header, then the image
    const image = message.subarray(2);
    const pending = d.decode(image, meta(1));
    expect(message.buffer.byteLength).toBe(0); // transferred, not copied
    expect(d.outstanding()).toBe(1);
    const out = await pending;
    expect(out.bitmap.width).toBe(7);
    expect([...out.image]).toEqual([7, 8, 9]);
    expect(r.seen).toEqual(['1:image/jpeg:3']);
    expect(d.outstanding()).toBe(0);
  });

  it('answers each request by its id, failures as errors', async () => {
    const r = rig((bytes) => (bytes[0] === 0 ? Promise.reject(new Error('not a JPEG')) : fakeBitmap(bytes)));
    const d = workerDecoder(r.page, r.here);
    const a = d.decode(new Uint8Array([0, 1]), meta(1));
    const b = d.decode(new Uint8Array([5, 1]), meta(2, 'png'));
    await expect(a).rejects.toThrow('not a JPEG');
    expect((await b).bitmap.width).toBe(5);
    expect(r.seen).toEqual(['1:image/jpeg:2', '2:image/png:2']);
  });

  it('refuses raw frames without bothering the worker', async () => {
    const r = rig(fakeBitmap);
    const d = workerDecoder(r.page, r.here);
    await expect(d.decode(new Uint8Array([1]), meta(1, 'raw'))).rejects.toThrow('cannot display raw frames.');
    expect(r.seen).toEqual([]);
  });

  it('decodes on the page once the worker has failed', async () => {
    const listeners: Record<string, (ev: unknown) => void> = {};
    const posted: number[] = [];
    const port: DecodePort = {
      postMessage: (msg) => void posted.push(msg.id),
      addEventListener: (type: string, l: (ev: never) => void) => void (listeners[type] = l as never),
    };
    const r = rig(fakeBitmap);
    const d = workerDecoder(port, r.here);
    const lost = d.decode(new Uint8Array([1]), meta(1));
    listeners['error']!(new Event('error'));
    await expect(lost).rejects.toThrow('the frame decoder stopped');
    expect((await d.decode(new Uint8Array([1]), meta(2))).bitmap.width).toBe(-1);
    expect(posted).toEqual([1]);
  });
});
