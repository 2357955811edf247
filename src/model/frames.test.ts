import { describe, expect, it } from 'vitest';
import { completeStamp, parseStamp, stampText } from './frames';

describe('frame stamp', () => {
  it('round-trips through its wire text', () => {
    const s = { cameraFrame: 42, captureTime: 1700000000123, quality: 85 };
    expect(stampText(s)).toBe('camdeck f=42 t=1700000000123 q=85');
    expect(parseStamp(stampText(s))).toEqual(s);
    expect(completeStamp(parseStamp(stampText(s)))).toEqual(s);
  });

  it('leaves out missing or malformed fields, and reads nothing from other text', () => {
    expect(parseStamp('camdeck f=7 q=x')).toEqual({ cameraFrame: 7 });
    expect(completeStamp(parseStamp('camdeck f=7'))).toBeNull();
    expect(parseStamp('something else f=1')).toEqual({});
    expect(parseStamp(undefined)).toEqual({});
  });
});
