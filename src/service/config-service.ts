// The config half of the service: reads and writes of the camera's JSON `config` channel, one at a time
// and in order, each answered as a snapshot (values + the merged schema, cached per connection), and the
// push: the snapshot sent as a 'config' event after a (re)connect and on the channel's event. On connect
// the config is read once, by that push.
import { ConfigChannel } from '../host';
import type { Camera } from '../host';
import { mergeSchema, type AppError, type ConfigSnapshot, type ConfigValues } from '../model';
import { ServiceError, asServiceError, toAppError } from './errors';

export interface ConfigServiceHooks {
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

  read(): Promise<ConfigSnapshot> {
    return this.serial(async () => {
      const cfg = this.channel();
      try {
        return await this.snapshot(cfg, await cfg.read());
      } catch (err) {
        throw asServiceError(err);
      }
    });
  }

  async write(patch: ConfigValues): Promise<ConfigSnapshot> {
    const snap = await this.serial(async () => {
      const cfg = this.channel();
      try {
        return await this.snapshot(cfg, await cfg.write(patch));
      } catch (err) {
        throw asServiceError(err);
      }
    });
    this.hooks.config(snap);
    return snap;
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
