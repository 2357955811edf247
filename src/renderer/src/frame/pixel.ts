// One pixel of a decoded frame, for the readout under the pointer.

export type Rgba = [number, number, number, number];

let probe: OffscreenCanvasRenderingContext2D | null | undefined;

/**
 * RGBA at image pixel (x, y) of `picture` (a decoded frame, or a canvas showing one at its own size), or null
 * where there is no OffscreenCanvas to read it with.
 */
export function readPixel(picture: CanvasImageSource, x: number, y: number): Rgba | null {
  probe ??=
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true })
      : null;
  if (!probe) return null;
  probe.clearRect(0, 0, 1, 1);
  probe.drawImage(picture, x, y, 1, 1, 0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}
