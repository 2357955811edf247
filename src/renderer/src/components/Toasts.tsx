import { useEffect } from 'react';
import { presentError, sentence } from '../lib/messages';
import type { Toast } from '../store/reducers';
import { useActions, useApp } from '../store/use-app';

const ERROR_MS = 12_000;
const INFO_MS = 4_000;

/** Cause and what to do; the code stays in data-code for tests and logs, never as text. */
function ErrorText({ t }: { t: Toast }) {
  const p = presentError(t);
  return (
    <>
      <div className="toast-message">{p.message}</div>
      <div className="toast-hint">{p.hint}</div>
    </>
  );
}

function ToastItem({ t }: { t: Toast }) {
  const { closeToast } = useActions();
  useEffect(() => {
    const timer = setTimeout(() => closeToast(t.id), t.kind === 'error' ? ERROR_MS : INFO_MS);
    return () => clearTimeout(timer);
  }, [t.id, t.kind, closeToast]);
  return (
    <div
      className={`toast toast-${t.kind}`}
      role={t.kind === 'error' ? 'alert' : 'status'}
      data-testid="toast"
      data-code={t.code}
      data-kind={t.kind}
    >
      <div className="toast-body">
        {t.title && <div className="toast-title">{sentence(t.title)}</div>}
        {t.kind === 'error' ? <ErrorText t={t} /> : <div className="toast-message">{t.message}</div>}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => closeToast(t.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} t={t} />
      ))}
    </div>
  );
}
