// Connector: opening the protocol on a Camera's link, and re-establishing it when the link fell out of
// step. "Resync" means that one thing: SYNC + caps again (the client's ResyncPolicy decides when and holds
// requests meanwhile), plus the re-list and streaming restore a reboot needs; the `resyncing` state
// reports it. What a service re-reads once the camera is connected again is not part of it.
import {
  ChannelId,
  EMPTY,
  Ioctl,
  Opcode,
  decodeSysInfo,
  decodeVersion,
  encodeIoctlRequest,
  u32s,
} from '../protocol';
import type { SysInfo, VersionInfo } from '../protocol';
import type { ConnectionState } from '../model';
import type { CameraOptions } from './camera-options';
import type { ProtocolClient } from './client';
import { ChecksumError, NoAnswerError } from './errors';

/** The reason a resync after a SOFT_REBOOT event gives (and the request it abandons fails with). */
export const REBOOT_REASON = 'camera soft reboot';

/** What the connector needs of its Camera. */
export interface ConnectorHost {
  /** What the camera knows of the device: open() fills the versions and system info in as it reads them. */
  readonly info: { version?: VersionInfo; sysInfo?: SysInfo };
  target(): string;
  setState(s: ConnectionState): void;
  /** Report 'connected', with the device as now known. */
  setConnected(): void;
  /** Re-read the channel list (at control priority: it runs inside the resync). */
  listChannels(): Promise<unknown>;
  /** Streaming as last requested by the user; null = never set. */
  streamingWanted(): boolean | null;
  /** The list has the stream channel. */
  hasStream(): boolean;
  /** Every resync failed: the link is given up (reported disconnected, and lost unless closed on purpose). */
  lost(err: Error): void;
}

export class Connector {
  /** A SOFT_REBOOT came since the last resync began: the next one re-lists and restores, whatever its cause. */
  private rebootSeen = false;

  constructor(
    private readonly host: ConnectorHost,
    private readonly opts: Pick<CameraOptions, 'syncAttempts' | 'rebootSettleMs'>,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** The camera announced a soft reboot: the coming resync is for it. */
  noteReboot(): void {
    this.rebootSeen = true;
  }

  /** Open the protocol: SYNC + caps (retried), CHANNEL_LIST, PROTO_VERSION, SYS_INFO, restore streaming. */
  async open(client: ProtocolClient): Promise<void> {
    const h = this.host;
    const connecting = (step: string, progress: number): void =>
      h.setState({ kind: 'connecting', target: h.target(), step, progress });
    connecting('sync', 0.1);
    await this.syncWithRetries(client, (attempt) =>
      connecting(attempt ? `sync (try ${attempt + 1})` : 'sync', 0.2),
    );
    connecting('channels', 0.5);
    await h.listChannels();
    connecting('version', 0.7);
    h.info.version = decodeVersion(
      await client.request(Opcode.PROTO_VERSION, 0, EMPTY, { priority: 'control' }),
    );
    connecting('system info', 0.85);
    h.info.sysInfo = decodeSysInfo(await client.request(Opcode.SYS_INFO, 0, EMPTY, { priority: 'control' }));
    await this.restoreStreaming(client);
  }

  private async syncWithRetries(
    client: ProtocolClient,
    onAttempt?: (attempt: number) => void,
  ): Promise<void> {
    const attempts = this.opts.syncAttempts ?? 3;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      onAttempt?.(i);
      try {
        await client.sync();
        return;
      } catch (err) {
        last = err;
        if (client.closed) throw err;
        await this.sleep(100 * 2 ** i);
      }
    }
    throw new NoAnswerError(
      `camera not answering SYNC after ${attempts} attempts: ${last instanceof Error ? last.message : String(last)}`,
      'connect',
      'check that the camera runs OpenMV firmware 5.x and that no other program holds the port',
    );
  }

  /**
   * Re-establish the protocol on an out-of-step link (SYNC + caps, and after a reboot the re-list and
   * streaming restore), retried with backoff. The client runs it whenever the link is out of step.
   */
  async reestablish(client: ProtocolClient): Promise<void> {
    const h = this.host;
    // A SOFT_REBOOT seen since the last resync is the cause, even when a request that was in flight then
    // failed on the camera's reset sequence counter and became the client's latest reason.
    const reason = this.rebootSeen ? REBOOT_REASON : (client.resyncReason ?? 'resync');
    // A corrupted packet left the camera as it was: SYNC + caps put the link back, and the channels and
    // stream settings survive a SYNC (a STREAM_CTRL would even discard the pending frame). After a
    // reboot, or anything that may have been one, re-list and restore as well.
    const light = client.resyncCause instanceof ChecksumError && !this.rebootSeen;
    this.rebootSeen = false;
    if (!h.info.version) {
      // Not connected yet: open() drives the sync itself and reports failures.
      await this.syncWithRetries(client);
      return;
    }
    const attempts = this.opts.syncAttempts ?? 3;
    let last: unknown;
    const resyncing = (attempt: number): void =>
      h.setState({ kind: 'resyncing', target: h.target(), reason, attempt });
    resyncing(1);
    // The firmware resets its protocol state just after announcing the reboot: let it finish first.
    if (reason === REBOOT_REASON) await this.sleep(this.opts.rebootSettleMs ?? 30);
    for (let i = 0; i < attempts; i++) {
      if (i) resyncing(i + 1);
      try {
        await client.sync();
        if (!light || i > 0) {
          await h.listChannels();
          await this.restoreStreaming(client);
        }
        h.setConnected();
        return;
      } catch (err) {
        last = err;
        if (client.closed) throw err;
        // A corrupted packet during the resync itself is noise, not a silent camera: go again at once.
        if (!(err instanceof ChecksumError) || i > 0) await this.sleep(100 * 2 ** i);
      }
    }
    const err = new NoAnswerError(
      `camera stopped answering (${reason}); ${attempts} resyncs failed: ${last instanceof Error ? last.message : String(last)}`,
      'resync',
    );
    h.lost(err);
    throw err;
  }

  /** STREAM_CTRL as last wanted, when the camera has a stream channel (a reboot turned it off). */
  private async restoreStreaming(client: ProtocolClient): Promise<void> {
    const want = this.host.streamingWanted();
    if (want !== null && this.host.hasStream()) {
      await client.request(
        Opcode.CHANNEL_IOCTL,
        ChannelId.STREAM,
        encodeIoctlRequest(Ioctl.STREAM_CTRL, u32s(want ? 1 : 0)),
        { priority: 'control' },
      );
    }
  }
}
