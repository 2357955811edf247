import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { App } from './components/App';
import { createPageFrames, FrameHubProvider, releaseGoneTiles } from './components/frame-hub';
import { createPagePaint, PaintClientProvider } from './components/paint-client';
import { createAppStore } from './store/app-store';
import { AppStoreProvider } from './store/use-app';
import './styles/app.css';

// The page's one store and frame hub (one live frame pipeline per camera), wired to the carrier for the page's life;
// and, where the browser has one, the paint worker: it has the frames connection, draws the grid's tiles and
// delivers the focused camera's frames decoded to the hub.
const store = createAppStore(getApi());
const paint = createPagePaint(store);
const frames = createPageFrames(store, paint);
const { showToast } = store.actions;

// Nothing fails silently: stray errors and rejections become toasts too.
window.addEventListener('error', (e) => showToast({ code: 'ui-error', message: e.message, at: Date.now() }));
window.addEventListener('unhandledrejection', (e) =>
  showToast({
    code: 'ui-error',
    message: e.reason instanceof Error ? e.reason.message : String(e.reason),
    at: Date.now(),
  }),
);

store.bind(paint ? { gridInWorker: true, deliver: (ids) => paint.deliver(ids) } : {});
releaseGoneTiles(store, frames);
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <AppStoreProvider value={store}>
      <FrameHubProvider value={frames}>
        <PaintClientProvider value={paint}>
          <App />
        </PaintClientProvider>
      </FrameHubProvider>
    </AppStoreProvider>
  </StrictMode>,
);
