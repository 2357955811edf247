// DeviceEventRouter: the one place a camera's device events are routed (event → which reads), as the
// vendor's I/O owner does. The Camera hands it every event of its current link; each goes to the hooks
// that own it: a reboot and a registered channel to the camera (channel list, restore), a script start or
// end, stdout to its drain, the stream channel and the script's named channels (frame, config) to their
// readers. An event nobody hooked (a channel the list does not have, an unknown system code) does nothing.
import { ChannelId, EVENT_NOTIFY, StdinEvent, SysEvent } from '../protocol';
import type { DeviceEvent } from './client';

export type Unhook = () => void;

/** Hooks under a key, each called once per fire; one that throws does not stop the others. */
class Hooks<K, A extends unknown[] = []> {
  private readonly map = new Map<K, Set<(...args: A) => void>>();

  add(key: K, fn: (...args: A) => void): Unhook {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size && this.map.get(key) === set) this.map.delete(key);
    };
  }

  fire(key: K, ...args: A): void {
    const set = this.map.get(key);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        // a broken consumer must not break the link owner nor the other consumers
        console.error(`camdeck: device event hook (${String(key)}) failed:`, err);
      }
    }
  }
}

export class DeviceEventRouter {
  private readonly system = new Hooks<'reboot' | 'channel-registered'>();
  private readonly script = new Hooks<'script', [running: boolean]>();
  private readonly byId = new Hooks<number>();
  private readonly byName = new Hooks<string>();

  /** `nameOf`: the channel's name in the current list (ids of the script's channels are not stable). */
  constructor(private readonly nameOf: (id: number) => string | undefined) {}

  /** SOFT_REBOOT: the script ended, dynamic channels are gone, the protocol state is back to defaults. */
  onReboot(fn: () => void): Unhook {
    return this.system.add('reboot', fn);
  }

  /** CHANNEL_REGISTERED: the channel list changed. */
  onChannelRegistered(fn: () => void): Unhook {
    return this.system.add('channel-registered', fn);
  }

  /** A script started (true) or ended (false) on stdin. */
  onScript(fn: (running: boolean) => void): Unhook {
    return this.script.add('script', fn);
  }

  /** stdout has text to drain. */
  onStdout(fn: () => void): Unhook {
    return this.onChannel(ChannelId.STDOUT, fn);
  }

  /** The stream channel has a frame ready. */
  onStream(fn: () => void): Unhook {
    return this.onChannel(ChannelId.STREAM, fn);
  }

  /** Events of one channel: by id for the fixed ones, by name for the script's (looked up per event). */
  onChannel(ref: number | string, fn: () => void): Unhook {
    return typeof ref === 'number' ? this.byId.add(ref, fn) : this.byName.add(ref, fn);
  }

  /** Route one device event to its owners. */
  route(e: DeviceEvent): void {
    if (e.channel === ChannelId.TRANSPORT) {
      if (e.code === SysEvent.SOFT_REBOOT) this.system.fire('reboot');
      else if (e.code === SysEvent.CHANNEL_REGISTERED) this.system.fire('channel-registered');
      return;
    }
    if (e.channel === ChannelId.STDIN && e.code !== EVENT_NOTIFY)
      this.script.fire('script', e.code === StdinEvent.STARTED);
    this.byId.fire(e.channel);
    const name = this.nameOf(e.channel);
    if (name !== undefined) this.byName.fire(name);
  }
}
