// The paint worker: the grid tiles' frames, from their own connection to the canvases the tiles handed over.
import type { PaintReply, PaintRequest } from './paint-protocol';
import { portFrames, wsFrames } from './paint-connection';
import { decodeBitmap } from './decode-worker-core';
import { createPainter, decodePicture } from './paint-worker-core';

interface PaintScope {
  onmessage: ((ev: MessageEvent<PaintRequest>) => void) | null;
  postMessage(msg: PaintReply, transfer: Transferable[]): void;
  requestAnimationFrame?: (cb: () => void) => number;
}

const scope = self as unknown as PaintScope;
const painter = createPainter({
  post: (m, transfer) => scope.postMessage(m, transfer ?? []),
  connect: (carrier, on) =>
    carrier.kind === 'ws' ? wsFrames(carrier.url, on) : portFrames(carrier.port, on),
  decode: decodePicture,
  decodeBitmap: (bytes, mime) => decodeBitmap(bytes, mime),
  // one pass over every tile per display refresh; a worker without animation frames draws at 60 Hz
  requestFrame: (cb) =>
    void (scope.requestAnimationFrame ? scope.requestAnimationFrame(cb) : setTimeout(cb, 16)),
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
});
scope.onmessage = (ev) => painter.handle(ev.data);
