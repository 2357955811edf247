import type { StatsLine } from './use-frame-stats';

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
      <span title="Frames per second from the camera, on the camera's own clock (the stats panel's figure)">
        cam{' '}
        <span ref={line.cam} data-testid="camera-fps" data-value="">
          –
        </span>{' '}
        fps
      </span>
      <span title="Frames per second drawn">
        disp{' '}
        <span ref={line.disp} data-testid="display-fps" data-value="0">
          –
        </span>{' '}
        fps
      </span>
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
