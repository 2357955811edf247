/** A pointer event's position in `el`'s CSS pixels (the frame view's area, not the image placed in it). */
export function viewPoint(el: HTMLElement, e: { clientX: number; clientY: number }) {
  const r = el.getBoundingClientRect();
  return { x: e.clientX - r.left, y: e.clientY - r.top };
}
