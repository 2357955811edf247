// Trust by identity: an IPC message is served only when it comes from the main frame of one of our own windows,
// showing our own origin. Windows register on creation and are forgotten when destroyed.
export interface TrustedContents {
  readonly id: number;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of an IPC event the guard looks at (IpcMainEvent / IpcMainInvokeEvent). */
export interface SenderEvent {
  readonly sender: { readonly id: number; isDestroyed(): boolean };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export class TrustedSenders {
  private readonly ids = new Set<number>();

  /** @param origins page origins we serve the UI from, e.g. `app://camdeck` or the dev server's. */
  constructor(private readonly origins: readonly string[]) {}

  add(contents: TrustedContents): void {
    const { id } = contents;
    this.ids.add(id);
    contents.once('destroyed', () => this.ids.delete(id));
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  isTrusted(event: SenderEvent): boolean {
    const { sender, senderFrame } = event;
    if (!this.ids.has(sender.id) || sender.isDestroyed()) return false;
    // subframes (iframes) never speak for the window
    if (!senderFrame || senderFrame.parent) return false;
    let origin: string;
    try {
      const u = new URL(senderFrame.url);
      origin = u.protocol === 'app:' ? `app://${u.host}` : u.origin;
    } catch {
      return false;
    }
    return this.origins.includes(origin);
  }
}
