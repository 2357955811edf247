// Several DOM listeners on one element, undone by one call: effects and drags add and remove them as a set.

type Handlers = { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };

/** Add every handler to `el`; the returned function removes them all again. */
export function listen(el: HTMLElement, handlers: Handlers, options?: AddEventListenerOptions): () => void {
  const entries = Object.entries(handlers) as Array<[string, EventListener]>;
  for (const [type, fn] of entries) el.addEventListener(type, fn, options);
  return () => {
    for (const [type, fn] of entries) el.removeEventListener(type, fn, options);
  };
}
