// Listener sets by event name, for the camera units and the hub: a listener that throws is logged and does
// not stop the others (nor the link owner that emitted).

type Fn = (...args: never[]) => void;

export class Listeners<Name extends string> {
  private readonly sets = new Map<Name, Set<Fn>>();

  on(name: Name, listener: Fn): () => void {
    let set = this.sets.get(name);
    if (!set) this.sets.set(name, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit(name: Name, ...args: unknown[]): void {
    for (const l of [...(this.sets.get(name) ?? [])]) {
      try {
        (l as (...a: unknown[]) => void)(...args);
      } catch (err) {
        console.error(`camdeck: ${name} listener failed:`, err);
      }
    }
  }

  count(name: Name): number {
    return this.sets.get(name)?.size ?? 0;
  }

  clear(): void {
    this.sets.clear();
  }
}
