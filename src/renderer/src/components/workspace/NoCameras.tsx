/** The workspace before any camera: what to do. */
export function NoCameras() {
  return (
    <main className="workspace no-cameras" aria-label="Cameras">
      <div
        className="frame-notice notice-disconnected"
        data-testid="frame-notice"
        data-state="disconnected"
        role="status"
      >
        <strong>No camera open.</strong>
        <span> Pick a port and press Connect.</span>
        <div className="frame-notice-detail">Every camera you open gets a tile; the grid shows them all.</div>
      </div>
    </main>
  );
}
