import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { visibleLines } from '../lib/stdout-ring';
import { useCamera, useCameraActions } from '../store/camera-scope';

const ROW_PX = 17;

/** Camera stdout: bounded ring, batched updates (see bind.ts), only visible rows rendered. */
export function ConsolePanel() {
  const ring = useCamera((v) => v.stdout);
  const lines = useMemo(() => visibleLines(ring), [ring]);
  const { clearConsole } = useCameraActions();
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const v = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });

  useEffect(() => {
    if (stick.current && lines.length > 0) v.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines, v]);

  // nothing printed yet: one quiet line, not an empty box a quarter of the window high
  if (lines.length === 0 && !ring.evicted)
    return (
      <div className="console console-empty" data-testid="console">
        <p className="muted empty">No output from the camera yet.</p>
      </div>
    );
  return (
    <div className="console" data-testid="console">
      <div className="panel-tools">
        <span className="muted">
          {lines.length} {lines.length === 1 ? 'line' : 'lines'}
          {ring.evicted ? ` · ${ring.evicted} older dropped` : ''}
        </span>
        <button type="button" className="small" onClick={clearConsole}>
          Clear
        </button>
      </div>
      <div
        className="console-scroll"
        ref={scrollRef}
        tabIndex={0}
        role="log"
        aria-label="Camera output"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_PX * 2;
        }}
      >
        <div className="console-inner" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((row) => (
            <div key={row.key} className="console-line" style={{ transform: `translateY(${row.start}px)` }}>
              {lines[row.index]}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
