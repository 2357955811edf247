import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { decodeTemperature, formatTemperature } from '../../../model';
import { usePoll } from '../lib/use-poll';
import { useCamera, useCameraKey } from '../store/camera-scope';
import { useApi } from '../store/use-app';

const TEMP_POLL_MS = 2000;

/** The camera's `temp` channel (float32 °C), read every 2 s while the panel is open and a camera is connected. */
function useTemperature(active: boolean): number | null {
  const [value, setValue] = useState<number | null>(null);
  const api = useApi();
  const camera = useCameraKey();
  useEffect(() => {
    if (!active) setValue(null);
  }, [active]);
  usePoll(active, TEMP_POLL_MS, async (isLive) => {
    try {
      const v = decodeTemperature(await api.request('readChannel', camera, 'temp'));
      if (isLive()) setValue(v);
    } catch {
      // a missed sample is not worth a toast: the next one comes in 2 s
    }
  });
  return value;
}

export function ChannelList() {
  const { channels, connected } = useCamera(
    useShallow((v) => ({ channels: v.channels, connected: v.connection.kind === 'connected' })),
  );
  const hasTemp = channels.some((c) => c.name === 'temp' && c.flagNames.includes('READ'));
  const temp = useTemperature(connected && hasTemp);
  if (channels.length === 0)
    return (
      <p className="muted empty" data-testid="channel-list">
        No channels yet.
      </p>
    );
  return (
    <table className="channel-list" data-testid="channel-list">
      <thead>
        <tr>
          <th scope="col">ID</th>
          <th scope="col">Name</th>
          <th scope="col">Flags</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((c) => (
          <tr key={c.id} data-channel={c.name}>
            <td className="num">{c.id}</td>
            <td className="mono">
              {c.name}
              {c.name === 'temp' && hasTemp && (
                <span className="channel-value" data-testid="temp-value" data-value={temp ?? ''}>
                  {formatTemperature(temp)}
                </span>
              )}
            </td>
            <td title={`0x${c.flags.toString(16).padStart(2, '0')}`}>
              {c.flagNames.map((f) => (
                <span key={f} className={`flag flag-${f.toLowerCase()}`}>
                  {f}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
