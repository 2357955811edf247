// The focus view's picture is placed by the zoom in CSS: the canvas holds the frame at its own size.
import { describe, expect, it } from 'vitest';
import { placePicture } from './paint';

function canvas() {
  const style: Record<string, string> = {};
  return { el: { style } as unknown as HTMLCanvasElement, style };
}

const view = { size: { width: 1000, height: 600 }, dpr: 2 };

describe('placePicture', () => {
  it('fit: centred, scaled to the view in CSS pixels, smoothed when it shrinks', () => {
    const { el, style } = canvas();
    placePicture(el, { width: 1280, height: 720 }, { mode: 'fit' }, view);
    // 1000 / 1280 = 0.78125 → 1000 × 562.5, centred vertically
    expect(style).toMatchObject({
      left: '0px',
      top: '18.75px',
      width: '1000px',
      height: '562.5px',
      imageRendering: 'auto',
      visibility: 'visible',
    });
  });

  it('zoomed in: the image point asked for at the centre, pixels kept sharp', () => {
    const { el, style } = canvas();
    placePicture(el, { width: 640, height: 480 }, { mode: 'zoom', scale: 4, cx: 100, cy: 50 }, view);
    expect(style).toMatchObject({
      left: `${500 - 400}px`,
      top: `${300 - 200}px`,
      width: '2560px',
      height: '1920px',
      imageRendering: 'pixelated',
    });
  });

  it('no frame yet: hidden, the view background shows', () => {
    const { el, style } = canvas();
    placePicture(el, null, { mode: 'fit' }, view);
    expect(style.visibility).toBe('hidden');
  });
});
