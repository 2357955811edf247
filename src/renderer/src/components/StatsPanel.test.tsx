// The stats panel rendered to HTML in Node (react-dom/server): the frame counters as the service pushes them,
// frames left unread on their own row beside the drops.
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { emptyStats } from '../../../model';
import type { StatsSnapshot } from '../../../shared/contract';
import type { RendererApi } from '../api';
import { createAppStore } from '../store/app-store';
import { CameraScope } from '../store/camera-scope';
import { patchCamera } from '../store/camera-view';
import { memoryStorage } from '../store/settings-storage';
import { AppStoreProvider } from '../store/use-app';
import { StatsPanel } from './StatsPanel';

function render(stats: StatsSnapshot): string {
  const store = createAppStore({ carrier: 'browser' } as RendererApi, { storage: memoryStorage() });
  store.setState((s) => ({ cameras: patchCamera(s.cameras, 'cam-a', { stats }) }));
  store.getInitialState = store.getState; // a server render reads the initial state
  return renderToString(
    <AppStoreProvider value={store}>
      <CameraScope value="cam-a">
        <StatsPanel />
      </CameraScope>
    </AppStoreProvider>,
  );
}

const stat = (html: string, name: string): string | undefined =>
  new RegExp(`data-stat="${name.replace(/[()]/g, '\\$&')}"[^>]*>([^<]*)<`).exec(html)?.[1];

describe('StatsPanel', () => {
  it('shows frames received, dropped and left unread apart, and the camera rate', () => {
    const s = emptyStats();
    const html = render({ ...s, frames: { ...s.frames, received: 1200, dropped: 3, unread: 640, fps: 30 } });
    expect(stat(html, 'Frames received (this connection)')).toBe('1,200');
    expect(stat(html, 'Frames dropped (this connection)')).toBe('3');
    expect(stat(html, 'Frames left unread (this connection)')).toBe('640');
    expect(stat(html, 'Frame rate')).toBe('30 fps');
  });
});
