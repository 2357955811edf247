// The config half of the service: reads and writes of the camera's JSON `config` channel, one at a time
// and in order, each answered as a snapshot (values + the merged schema, cached per connection), and the
// push: the snapshot sent as a 'config' event after a (re)connect and on the channel's event. On connect
// the config is read once, by that push. A request issued while the link comes back (a resync, a brief
// reconnect) waits for it; a write the link failed under is settled by what the camera has (settle()).
import { ConfigChannel, ConfigUnconfirmedError, configShows, isLinkFailure } from '../host';
import type { Camera } from '../host';
import { mergeSchema, type AppError, type ConfigSnapshot, type ConfigValues } from '../model';
import { ServiceError, asServiceError, toAppError } from './errors';
import { untilLinkBack, type SessionState } from './link-wait';

export interface ConfigServiceHooks {
  /** The session: a request waits while its link comes back by itself. */
  session: SessionState;
  /** Throws not-connected when no camera is connected. */
  requireConnected(): void;
  config(snap: ConfigSnapshot): void;
  error(err: AppError): void;
}

export class ConfigService {
  private schemaCache: Promise<ConfigSnapshot['schema']> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly camera: Camera,
    private readonly hooks: ConfigServiceHooks,
  ) {}

  /** The published schema may have changed (a new connection, a reboot into another script). */
  forgetSchema(): void {
    this.schemaCache = null;
  }

  private channel(): ConfigChannel {
    this.hooks.requireConnected();
    if (!this.camera.hasChannel('config'))
      throw new ServiceError('no-config', 'this camera script registers no "config" channel');
    return new ConfigChannel(this.camera, 'config');
  }

  private schemaFor(cfg: ConfigChannel): Promise<ConfigSnapshot['schema']> {
    this.schemaCache ??= cfg
      .schema()
      .then((s) => s ?? { properties: {} })
      .catch((err: unknown) => {
        this.schemaCache = null;
        this.hooks.error(toAppError(err));
        return { properties: {} };
      });
    return this.schemaCache;
  }

  private async snapshot(cfg: ConfigChannel, values: ConfigValues): Promise<ConfigSnapshot> {
    const published = await this.schemaFor(cfg);
    return { channel: cfg.name, values, schema: mergeSchema(values, published) };
  }

  /** Config reads and writes run one at a time, in order: a write is sent once and never overlaps another. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The config channel once the link is up (waiting while it comes back by itself). */
  private async ready(what: string): Promise<ConfigChannel> {
    await untilLinkBack(this.hooks.session, what);
    return this.channel();
  }

  read(): Promise<ConfigSnapshot> {
    return this.serial(async () => {
      try {
        const cfg = await this.ready('the config read');
        return await this.snapshot(cfg, await cfg.read());
      } catch (err) {
        throw asServiceError(err);
      }
    });
  }

  async write(patch: ConfigValues): Promise<ConfigSnapshot> {
    const snap = await this.serial(async () => {
      try {
        const cfg = await this.ready('the config write');
        return await this.snapshot(cfg, await this.writeSettled(cfg, patch));
      } catch (err) {
        // its own sentence (what the camera has, or that nobody knows yet), under the link's code
        if (err instanceof ConfigUnconfirmedError) throw new ServiceError(err.code, err.message, err.hint);
        throw asServiceError(err);
      }
    });
    this.hooks.config(snap);
    return snap;
  }

  /**
   * cfg.write, and when the link failed under it and the host could not tell the outcome: find out what
   * the camera has before saying anything. Wait for the link, read: it shows the patch → confirmed after
   * all; it does not → sent once more if the host had not (a patch is idempotent) and read again. A write
   * that did not land is reported with the camera's values, which are pushed too (the page shows them);
   * with no read at all the outcome is unknown and the message says so (the push on reconnect follows).
   */
  private async writeSettled(cfg: ConfigChannel, patch: ConfigValues): Promise<ConfigValues> {
    let resent = false;
    for (;;) {
      let err: unknown;
      try {
        return await cfg.write(patch);
      } catch (e) {
        if (!(e instanceof ConfigUnconfirmedError) && !isLinkFailure(e)) throw e;
        err = e;
      }
      const unconfirmed = err instanceof ConfigUnconfirmedError ? err : undefined;
      const cause = unconfirmed?.linkCause ?? err;
      const values = unconfirmed?.values ?? (await this.reread());
      if (values && configShows(values, patch)) return values;
      if (!values) throw new ConfigUnconfirmedError(patch, unconfirmed?.applied, undefined, cause);
      if (resent || unconfirmed?.applied === false) {
        this.hooks.config(await this.snapshot(cfg, values));
        throw new ConfigUnconfirmedError(patch, false, values, cause);
      }
      resent = true; // the link is up again (the read got through): the same channel, once more
    }
  }

  /** What the camera has, once the link is back; undefined when it cannot be read. */
  private async reread(): Promise<ConfigValues | undefined> {
    for (let i = 0; i < 2; i++) {
      try {
        return await (await this.ready('the config read')).read();
      } catch {
        // the link failed again (or stays down): try once more, then report the outcome as unknown
      }
    }
    return undefined;
  }

  /** Background read after connect / a config event: pushes the snapshot (and, if asked, failures as events). */
  async push(reportErrors: boolean): Promise<void> {
    if (!this.camera.connected || !this.camera.hasChannel('config')) return;
    try {
      this.hooks.config(await this.read());
    } catch (err) {
      if (reportErrors && this.camera.connected) this.hooks.error(toAppError(err));
    }
  }
}
