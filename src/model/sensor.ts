// Decoding of sensor channels a camera script registers.

/**
 * The `temp` channel: a 4-byte little-endian float32 (the scripts' `struct.pack('<f', v)`), °C. Older scripts
 * sent ASCII text such as "36.62"; that is still understood. null when the bytes are neither.
 */
export function decodeTemperature(bytes: Uint8Array): number | null {
  if (bytes.length === 4) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    // a plausible reading; 4 ASCII digits ("36.6") decode to a huge or tiny float and fall through
    if (Number.isFinite(v) && Math.abs(v) < 1000 && (v === 0 || Math.abs(v) > 1e-3)) return v;
  }
  const text = new TextDecoder().decode(bytes).replace(/\0+$/, '').trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return null;
}

/** "36.6 °C" */
export function formatTemperature(c: number | null): string {
  return c === null || !Number.isFinite(c) ? '–' : `${c.toFixed(1)} °C`;
}
