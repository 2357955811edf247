import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { getApi, toAppError } from '../api';
import { formatBytes, formatCount, formatFps, formatKbps, formatMs } from '../lib/format';
import { showToast, useApp } from '../store/app-store';

const POLL_MS = 1000;

/** Protocol stats; polled only while this panel is shown and a camera is connected. */
export function StatsPanel() {
  const { stats, connected } = useApp(
    useShallow((s) => ({ stats: s.stats, connected: s.connection.kind === 'connected' })),
  );

  useEffect(() => {
    if (!connected) return;
    let stop = false;
    let failing = false; // say it once per run of failures, not every second
    const tick = async () => {
      try {
        const s = await getApi().request('getStats');
        failing = false;
        if (!stop) useApp.setState({ stats: s });
      } catch (e) {
        if (!stop && !failing) showToast(toAppError(e, 'stats-failed'));
        failing = true;
      }
    };
    void tick();
    const t = setInterval(() => void tick(), POLL_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [connected]);

  if (!stats)
    return (
      <p className="muted empty" data-testid="stats-panel">
        No statistics yet.
      </p>
    );
  const h = stats.host;
  const rows: Array<[string, string]> = [
    ['Frames received', formatCount(stats.frames.received)],
    ['Frames dropped', formatCount(stats.frames.dropped)],
    ['Frame rate', `${formatFps(stats.frames.fps)} fps`],
    ['Frame data', formatKbps(stats.frames.kbps)],
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
      {rows.map(([k, v]) => (
        <div key={k} className="stat-row">
          <dt>{k}</dt>
          <dd className="num">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
