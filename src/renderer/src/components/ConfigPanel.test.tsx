// The config panel rendered to HTML in Node (react-dom/server): a hostile camera's keys show their own values
// and are not pending; a long config renders only the rows in view.
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot, ConfigValues, ConnectionState } from '../../../shared/contract';
import type { RendererApi } from '../api';
import { createAppStore } from '../store/app-store';
import { CameraScope } from '../store/camera-scope';
import { patchCamera } from '../store/camera-view';
import { applySnapshot, emptyConfig } from '../store/config-writer';
import { memoryStorage } from '../store/settings-storage';
import { AppStoreProvider } from '../store/use-app';
import { ConfigPanel, VIRTUAL_AFTER } from './ConfigPanel';

const connected: ConnectionState = {
  kind: 'connected',
  target: 'demo',
  device: {
    board: 'Demo camera',
    protocolVersion: '1.0.2',
    firmwareVersion: '5.0.0',
    usbId: '37C5:124A',
    maxPayload: 4082,
    channels: [],
  },
};

/** The panel showing `values` as the camera's readback (no carrier behind it: nothing is requested). */
function render(values: ConfigValues): string {
  const api = { carrier: 'browser' } as RendererApi;
  const store = createAppStore(api, { storage: memoryStorage() });
  const snap: ConfigSnapshot = { channel: 'config', values, schema: { properties: {} } };
  store.setState((s) => ({
    cameras: patchCamera(s.cameras, 'cam-a', {
      connection: connected,
      config: applySnapshot(emptyConfig, snap),
    }),
  }));
  // a server render reads the store's initial state (useSyncExternalStore's server snapshot): make it this one
  store.getInitialState = store.getState;
  return renderToString(
    <AppStoreProvider value={store}>
      <CameraScope value="cam-a">
        <ConfigPanel />
      </CameraScope>
    </AppStoreProvider>,
  );
}

const rows = (html: string): number => html.match(/class="cfg-row /g)?.length ?? 0;

describe('ConfigPanel', () => {
  it('shows keys named like built-ins with their own values, none pending', () => {
    const keys = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];
    const values = JSON.parse(`{${keys.map((k, i) => `"${k}":"v${i}"`).join(',')}}`) as ConfigValues;
    const html = render(values);
    expect(rows(html)).toBe(keys.length);
    keys.forEach((k, i) =>
      expect(html).toMatch(new RegExp(`data-testid="config-${k}-value"[^>]*>v${i}</output>`)),
    );
    expect(html).not.toMatch(/native code|function /);
    expect(html).not.toContain('data-pending');
  });

  it(`renders a config of up to ${VIRTUAL_AFTER} keys whole`, () => {
    const values = Object.fromEntries(Array.from({ length: VIRTUAL_AFTER }, (_, i) => [`k${i}`, i]));
    expect(rows(render(values))).toBe(VIRTUAL_AFTER);
  });

  it('renders only the rows in view of a long config (5,000 keys)', () => {
    const values = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const html = render(values);
    expect(html).toContain('data-testid="config-scroll"');
    expect(html).toContain('5000 keys');
    expect(rows(html)).toBeGreaterThan(5);
    expect(rows(html)).toBeLessThan(40);
    expect(html).toContain('data-testid="config-k0"');
  });
});
