import { useShallow } from 'zustand/react/shallow';
import { useCamera, useCameraKey } from '../../store/camera-scope';
import { tilePhase } from '../../store/camera-view';
import { useActions } from '../../store/use-app';
import { TileBadge } from './TileBadge';

/** Board name and serial, as the service describes the camera (the target until it has opened). */
export function CameraName() {
  const key = useCameraKey();
  const { label, serial, target } = useCamera(
    useShallow((v) => ({ label: v.info?.label, serial: v.info?.serial, target: v.info?.target })),
  );
  return (
    <span className="camera-name" title={target ?? key}>
      <span className="camera-label">{label ?? key.replace(/^new:/, '')}</span>
      {serial && <span className="muted mono camera-serial">SN {serial}</span>}
    </span>
  );
}

/** Detach (this page only) and Close camera (every page): clearly two things. */
export function TileButtons({ testIds }: { testIds: 'focus' | 'tile' }) {
  const key = useCameraKey();
  const open = useCamera((v) => v.info !== null && tilePhase(v) !== 'closed' && tilePhase(v) !== 'failed');
  const { removeTile, closeCamera } = useActions();
  return (
    <>
      <button
        type="button"
        className="small"
        data-testid={testIds === 'focus' ? 'tile-detach' : 'tile-detach-grid'}
        onClick={() => removeTile(key)}
        title="Take this tile off this page; the camera stays open for other pages"
      >
        Remove tile
      </button>
      <button
        type="button"
        className="small danger"
        data-testid={testIds === 'focus' ? 'disconnect' : 'tile-close-camera'}
        onClick={() => void closeCamera(key)}
        disabled={!open}
        title="Close this camera for every page that shows it (Ctrl+D)"
      >
        Close camera
      </button>
    </>
  );
}

/** The focus view's header: back to the grid, which camera, its state, and what can be done with it. */
export function CameraBar() {
  const { setView } = useActions();
  return (
    <div className="camera-bar" aria-label="Camera in focus" role="group">
      <button
        type="button"
        className="small"
        data-testid="to-grid"
        onClick={() => setView('grid')}
        title="All cameras (Esc)"
      >
        ← Grid
      </button>
      <CameraName />
      <TileBadge />
      <span className="spacer" />
      <TileButtons testIds="focus" />
    </div>
  );
}
