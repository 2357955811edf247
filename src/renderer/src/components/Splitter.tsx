import type { KeyboardEvent, PointerEvent } from 'react';
import { listen } from '../lib/listen';

/** A drag handle (also arrow-key operable) that resizes a neighbouring panel; the size is persisted. */
export function Splitter({
  orientation,
  value,
  min,
  max,
  label,
  invert = false,
  onChange,
}: {
  orientation: 'vertical' | 'horizontal';
  value: number;
  min: number;
  max: number;
  label: string;
  /** The panel grows when the pointer moves left/up (it sits right of / below the handle). */
  invert?: boolean;
  onChange(v: number): void;
}) {
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const start = orientation === 'vertical' ? e.clientX : e.clientY;
    const from = value;
    const stop = listen(el, {
      pointermove: (ev) => {
        const d = (orientation === 'vertical' ? ev.clientX : ev.clientY) - start;
        onChange(clamp(from + (invert ? -d : d)));
      },
      pointerup: () => stop(),
      pointercancel: () => stop(),
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const grow =
      orientation === 'vertical' ? (invert ? 'ArrowLeft' : 'ArrowRight') : invert ? 'ArrowUp' : 'ArrowDown';
    const shrink =
      orientation === 'vertical' ? (invert ? 'ArrowRight' : 'ArrowLeft') : invert ? 'ArrowDown' : 'ArrowUp';
    if (e.key === grow) onChange(clamp(value + 16));
    else if (e.key === shrink) onChange(clamp(value - 16));
    else return;
    e.preventDefault();
  };
  return (
    <div
      className={`splitter splitter-${orientation}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
