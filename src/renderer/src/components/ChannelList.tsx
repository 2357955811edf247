import { useApp } from '../store/app-store';

export function ChannelList() {
  const channels = useApp((s) => s.channels);
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
            <td className="mono">{c.name}</td>
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
