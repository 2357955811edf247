import { useShallow } from 'zustand/react/shallow';
import { presentError } from '../../lib/messages';
import { useCamera, useCameraKey } from '../../store/camera-scope';
import { closedText, tilePhase } from '../../store/camera-view';
import { describeConnection } from '../../store/reducers';
import { useActions } from '../../store/use-app';

/** Reopen / Retry and Remove, for a camera that is not open on this page. */
function NoticeActions({ retry }: { retry: string }) {
  const key = useCameraKey();
  const { retryTile, removeTile } = useActions();
  return (
    <div className="frame-notice-actions">
      <button type="button" data-testid="tile-retry" onClick={() => void retryTile(key)}>
        {retry}
      </button>
      <button
        type="button"
        data-testid="tile-remove"
        onClick={() => removeTile(key)}
        title="Take this tile off the page"
      >
        Remove
      </button>
    </div>
  );
}

/**
 * What a frame view says when no live frame is coming (over the last frame, dimmed, or an empty view): the
 * camera opening, failing to open (why, and Retry), closed by someone (by whom, Reopen), or its link's state.
 */
export function FrameNotice() {
  const { phase, connection, openError, closed, target } = useCamera(
    useShallow((v) => ({
      phase: tilePhase(v),
      connection: v.connection,
      openError: v.openError,
      closed: v.closed,
      target: v.info?.target ?? '',
    })),
  );
  const key = useCameraKey();
  if (phase === 'connected') return null;
  const detail = describeConnection(connection).detail;
  let title: string;
  let text = '';
  let more = detail;
  let actions: string | null = null;
  if (phase === 'opening') [title, more] = ['Connecting…', target || key.replace(/^new:/, '')];
  else if (phase === 'failed' && openError) {
    const p = presentError(openError);
    [title, text, more, actions] = ['Could not open the camera.', p.message, p.hint, 'Retry'];
  } else if (phase === 'closed') [title, more, actions] = [closedText(closed ?? ''), '', 'Reopen'];
  else if (phase === 'disconnected') [title, text] = ['Disconnected.', 'Pick a port and press Connect.'];
  else if (phase === 'reconnecting') title = 'Camera disconnected — reconnecting…';
  else if (phase === 'resyncing') title = 'Resyncing with the camera…';
  else title = 'Connecting…';
  const kind = phase === 'opening' ? 'connecting' : phase;
  return (
    <div
      className={`frame-notice notice-${kind}${actions ? ' has-actions' : ''}`}
      data-testid="frame-notice"
      data-state={kind}
      role="status"
    >
      <strong>{title}</strong>
      {text && <span> {text}</span>}
      {more && <div className="frame-notice-detail">{more}</div>}
      {actions && <NoticeActions retry={actions} />}
    </div>
  );
}
