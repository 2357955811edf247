// What the decode worker does with one request, apart from the worker global so that Node tests can run it.
import type { DecodeReply, DecodeRequest } from './decode-protocol';
import { viewOf } from './decode-protocol';

export interface WorkerScope {
  onmessage: ((ev: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(msg: DecodeReply, transfer: Transferable[]): void;
}

export type BitmapDecoder = (bytes: Uint8Array, mime: string) => Promise<ImageBitmap>;

/**
 * WebCodecs' ImageDecoder reads the bytes where they are (createImageBitmap of a Blob first copies them into a
 * Blob and reads them back); it exists only in secure contexts, so the Blob path stays as the fallback.
 */
export const decodeBitmap: BitmapDecoder = async (bytes, mime) => {
  if (typeof ImageDecoder === 'function') {
    const decoder = new ImageDecoder({ data: bytes, type: mime });
    try {
      const { image } = await decoder.decode();
      try {
        return await createImageBitmap(image);
      } finally {
        image.close();
      }
    } finally {
      decoder.close();
    }
  }
  return createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
};

export async function handleDecodeRequest(
  req: DecodeRequest,
  scope: Pick<WorkerScope, 'postMessage'>,
  decode: BitmapDecoder = decodeBitmap,
): Promise<void> {
  try {
    const bitmap = await decode(viewOf(req.bytes), req.mime);
    scope.postMessage({ type: 'decoded', id: req.id, bitmap, bytes: req.bytes }, [bitmap, req.bytes.buffer]);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    scope.postMessage({ type: 'failed', id: req.id, message, bytes: req.bytes }, [req.bytes.buffer]);
  }
}
