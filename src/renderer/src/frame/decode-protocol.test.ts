import { describe, expect, it } from 'vitest';
import { handleDecodeRequest } from './decode-worker-core';
import { bytesOf, decodeSizeFor, type DecodeReply } from './decode-protocol';

describe('decoding to the size a view needs', () => {
  it('fits a frame into a tile when that is clearly smaller, keeping its aspect', () => {
    expect(decodeSizeFor({ width: 640, height: 480 }, { width: 320, height: 300 })).toEqual({
      width: 320,
      height: 240,
    });
    expect(decodeSizeFor({ width: 1280, height: 720 }, { width: 400, height: 400 })).toEqual({
      width: 400,
      height: 225,
    });
  });

  it('decodes whole for the focus view, a view nearly as large as the frame, or nothing measured yet', () => {
    expect(decodeSizeFor({ width: 640, height: 480 }, null)).toBeUndefined();
    expect(decodeSizeFor({ width: 640, height: 480 }, { width: 600, height: 460 })).toBeUndefined();
    expect(decodeSizeFor({ width: 640, height: 480 }, { width: 2000, height: 2000 })).toBeUndefined();
    expect(decodeSizeFor({ width: 0, height: 0 }, { width: 100, height: 100 })).toBeUndefined();
    expect(decodeSizeFor({ width: 640, height: 480 }, { width: 0, height: 0 })).toBeUndefined();
  });

  it('the worker decodes to the size the request names', async () => {
    const asked: unknown[] = [];
    const fake = { close() {} } as unknown as ImageBitmap;
    const replies: DecodeReply[] = [];
    await handleDecodeRequest(
      {
        type: 'decode',
        id: 1,
        mime: 'image/jpeg',
        bytes: bytesOf(new Uint8Array([1])),
        size: { width: 8, height: 6 },
      },
      { postMessage: (m) => void replies.push(m) },
      async (_b, _m, size) => (asked.push(size), fake),
    );
    expect(asked).toEqual([{ width: 8, height: 6 }]);
    expect(replies[0]).toMatchObject({ type: 'decoded', id: 1 });
  });
});
