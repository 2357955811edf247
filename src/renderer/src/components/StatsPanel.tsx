import type { StatsSnapshot } from '../../../shared/contract';
import { formatBytes, formatCount, formatFps, formatKbps, formatMs } from '../lib/format';
import { useCamera } from '../store/camera-scope';

const CLOCK_TITLES: Record<StatsSnapshot['frames']['clock'], string> = {
  camera:
    "The camera's own rate: its frame numbers over the last second of its clock (capture time stamps); the data rate is what crossed the link",
  header: "The camera's own figure (stream header); the data rate from the frames' sizes",
  host: 'Measured over the last second of frames as they arrived (the frames carry no capture time)',
};

/** Protocol stats, as the service pushes them (once a second while a camera is connected). */
export function StatsPanel() {
  const stats = useCamera((v) => v.stats);

  if (!stats)
    return (
      <p className="muted empty" data-testid="stats-panel">
        No statistics yet.
      </p>
    );
  const h = stats.host;
  const f = stats.frames;
  const rows: Array<[string, string, string?]> = [
    ['Frames received (this connection)', formatCount(f.received), 'Since this connection was made'],
    [
      'Frames dropped (this connection)',
      formatCount(f.dropped),
      "Frames the camera numbered that never arrived, since this connection was made (from the frames' own numbers)",
    ],
    [
      'Frames left unread (this connection)',
      formatCount(f.unread),
      'Frames the camera made while every page showing it still had one waiting: not read, so the link stays free',
    ],
    ['Frame rate', f.fps === null ? '–' : `${formatFps(f.fps)} fps`, CLOCK_TITLES[f.clock]],
    ['Frame data', f.kbps === null ? '–' : formatKbps(f.kbps), CLOCK_TITLES[f.clock]],
    ['Packets sent / received', `${formatCount(h.packetsSent)} / ${formatCount(h.packetsReceived)}`],
    ['Bytes sent / received', `${formatBytes(h.bytesSent)} / ${formatBytes(h.bytesReceived)}`],
    ['Round trip p50 / p99', `${formatMs(h.rttMsP50)} / ${formatMs(h.rttMsP99)}`],
    ['CRC errors', formatCount(h.crcErrors)],
    ['Retransmits', formatCount(h.retransmits)],
    ['Resyncs', formatCount(h.resyncs)],
    ['Timeouts', formatCount(h.timeouts)],
    ['Busy answers', formatCount(h.busy)],
  ];
  return (
    <dl className="stats-panel" data-testid="stats-panel">
      {rows.map(([k, v, title]) => (
        <div key={k} className="stat-row" title={title}>
          <dt>{k}</dt>
          <dd className="num" data-stat={k}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}
