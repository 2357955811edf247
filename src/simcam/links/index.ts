// Node transports for the simulated camera.
export { serveTty, type TtyOptions, type TtyServer } from './tty';
export { servePty, type PtyServer } from './pty';
export { serveTcp, type TcpServer } from './tcp';
export { serveUdp, type UdpServer } from './udp';
export { streamLink } from './stream-link';
