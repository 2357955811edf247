import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { bindApi } from './store/bind';
import { showToast } from './store/app-store';
import './styles/app.css';

// Nothing fails silently: stray errors and rejections become toasts too.
window.addEventListener('error', (e) => showToast({ code: 'ui-error', message: e.message, at: Date.now() }));
window.addEventListener('unhandledrejection', (e) =>
  showToast({
    code: 'ui-error',
    message: e.reason instanceof Error ? e.reason.message : String(e.reason),
    at: Date.now(),
  }),
);

bindApi();
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
