import type { RefObject } from 'react';
import type { StatsLine } from './use-frame-stats';

/** "cam 30 fps": the figure is written by the stats line, not rendered. */
function Fps(p: {
  label: string;
  title: string;
  valueRef: RefObject<HTMLSpanElement | null>;
  testId: string;
  value: string;
}) {
  return (
    <span title={p.title}>
      {p.label}{' '}
      <span ref={p.valueRef} data-testid={p.testId} data-value={p.value}>
        –
      </span>{' '}
      fps
    </span>
  );
}

/** The stats line's elements; `line` writes their figures. */
export function FrameStatsBar({ line, hidden }: { line: StatsLine; hidden: boolean }) {
  return (
    <div
      className="frame-statsbar"
      data-testid="frame-stats"
      aria-live="off"
      aria-label="Frame statistics"
      hidden={hidden}
      ref={line.root}
    >
      <Fps
        label="cam"
        title="Frames per second from the camera, on the camera's own clock (the stats panel's figure)"
        valueRef={line.cam}
        testId="camera-fps"
        value=""
      />
      <Fps label="disp" title="Frames per second drawn" valueRef={line.disp} testId="display-fps" value="0" />
      <span
        ref={line.bytes}
        data-testid="frame-bytes"
        data-value="0"
        title="Encoded size of the frame on screen"
      >
        –
      </span>
      <span ref={line.kbps} data-testid="frame-kbps" data-value="" title="Frame data rate from the camera">
        –
      </span>
      <span ref={line.size} data-testid="frame-size" data-value="0" title="Resolution">
        –
      </span>
    </div>
  );
}
