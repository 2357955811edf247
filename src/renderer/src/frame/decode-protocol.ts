// The messages between the page and its decode worker. The frame's bytes travel by transfer (no copy) into the
// worker and back out with the bitmap, so "save JPEG as received" still has them; one worker serves every
// camera, and the page keeps at most one decode per camera outstanding, so the worker's queue is bounded.
import type { FrameMeta } from '../../../shared/contract';

export const MIME: Record<FrameMeta['format'], string | null> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  raw: null,
};

/** The MIME type to decode a frame of `format` as, or the error a sink reports as a decode error. */
export function mimeOf(format: FrameMeta['format']): string {
  const mime = MIME[format];
  if (!mime) throw new Error(`cannot display ${format} frames.`);
  return mime;
}

/** An encoded frame as a transferable view: the buffer moves, offset and length say where the image is. */
export interface Bytes {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

export interface DecodeRequest {
  type: 'decode';
  id: number;
  /** MIME type of the image. */
  mime: string;
  bytes: Bytes;
  /** Decode straight to this size (a grid tile shows a small copy); absent: the frame's own size. */
  size?: DecodeSize;
}

export interface DecodeSize {
  width: number;
  height: number;
}

/**
 * The size to decode a `frame`-sized image to for a view of `view` device pixels: the fitted size when that is
 * clearly smaller (a tile), else undefined (decode it whole: the focus view zooms and reads pixels).
 */
export function decodeSizeFor(frame: DecodeSize, view: DecodeSize | null): DecodeSize | undefined {
  if (!view || frame.width <= 0 || frame.height <= 0) return undefined;
  const scale = Math.min(view.width / frame.width, view.height / frame.height);
  if (!(scale > 0) || scale >= 0.8) return undefined;
  return {
    width: Math.max(1, Math.round(frame.width * scale)),
    height: Math.max(1, Math.round(frame.height * scale)),
  };
}

export type DecodeReply =
  | { type: 'decoded'; id: number; bitmap: ImageBitmap; bytes: Bytes }
  | { type: 'failed'; id: number; message: string; bytes: Bytes };

export function bytesOf(image: Uint8Array): Bytes {
  return { buffer: image.buffer as ArrayBuffer, offset: image.byteOffset, length: image.byteLength };
}

export function viewOf(b: Bytes): Uint8Array {
  return new Uint8Array(b.buffer, b.offset, b.length);
}

/** The thing a worker is to the page (and a Node MessagePort is to a test). */
export interface DecodePort {
  postMessage(msg: DecodeRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<DecodeReply>) => void): void;
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
}
