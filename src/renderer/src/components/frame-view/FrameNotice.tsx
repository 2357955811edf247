import type { ConnectionState } from '../../../../shared/contract';

/** What the view says when no live frame is coming: over the last frame (dimmed), or an empty view. */
export function FrameNotice({ kind, detail }: { kind: ConnectionState['kind']; detail: string }) {
  if (kind === 'connected') return null;
  const [title, text] =
    kind === 'disconnected'
      ? ['Disconnected.', 'Pick a port and press Connect.']
      : kind === 'reconnecting'
        ? ['Camera disconnected — reconnecting…', '']
        : kind === 'resyncing'
          ? ['Resyncing with the camera…', '']
          : ['Connecting…', ''];
  return (
    <div className={`frame-notice notice-${kind}`} data-testid="frame-notice" data-state={kind} role="status">
      <strong>{title}</strong>
      {text && <span> {text}</span>}
      {detail && <div className="frame-notice-detail">{detail}</div>}
    </div>
  );
}
