import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { App } from './components/App';
import { createLiveFrames } from './frame/live';
import { LiveFramesProvider } from './frame/use-live-frames';
import { createAppStore } from './store/app-store';
import { AppStoreProvider } from './store/use-app';
import './styles/app.css';

// The page's one store and frame pipeline, wired to the carrier for the page's life.
const store = createAppStore(getApi());
const frames = createLiveFrames(store);
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

store.bind();
frames.attach();
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <AppStoreProvider value={store}>
      <LiveFramesProvider value={frames}>
        <App />
      </LiveFramesProvider>
    </AppStoreProvider>
  </StrictMode>,
);
