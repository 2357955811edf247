import { useShallow } from 'zustand/react/shallow';
import { useCamera } from '../../store/camera-scope';
import { tilePhase, type TilePhase } from '../../store/camera-view';

const WORDS: Record<TilePhase, string> = {
  opening: 'connecting',
  connecting: 'connecting',
  connected: 'live',
  resyncing: 'resyncing',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
  closed: 'closed',
  failed: 'could not open',
};

/** The camera's state in a word: connecting, live, resyncing, reconnecting 3, closed… */
export function TileBadge() {
  const { phase, attempt } = useCamera(
    useShallow((v) => ({
      phase: tilePhase(v),
      attempt: v.connection.kind === 'reconnecting' ? v.connection.attempt : 0,
    })),
  );
  return (
    <span className={`tile-badge badge-${phase}`} data-testid="tile-state" data-state={phase}>
      {WORDS[phase]}
      {attempt ? ` ${attempt}` : ''}
    </span>
  );
}
