// Raw stream preview (STREAM_RAW_CTRL + STREAM_RAW_CFG): the frame downscaled to fit (w, h), keeping the
// aspect ratio, as little-endian RGB565.

export function rgb565Fit(
  rgb: Uint8Array,
  width: number,
  height: number,
  maxW: number,
  maxH: number,
): { data: Uint8Array; width: number; height: number } {
  const scale = Math.min(1, maxW / width, maxH / height);
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const out = new Uint8Array(w * h * 2);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.floor(x / scale));
      const i = (sy * width + sx) * 3;
      const v = ((rgb[i]! & 0xf8) << 8) | ((rgb[i + 1]! & 0xfc) << 3) | (rgb[i + 2]! >> 3);
      const o = (y * w + x) * 2;
      out[o] = v & 0xff;
      out[o + 1] = v >> 8;
    }
  }
  return { data: out, width: w, height: h };
}
