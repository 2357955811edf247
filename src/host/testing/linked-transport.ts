// Tests: a transport over a fresh in-memory link pair whose device end is handed to a device (the simulated
// camera's attach), so a host opens it like a port.
import { createLinkPair } from '../../protocol';
import type { ByteLink } from '../../protocol';
import { memoryTransport } from '../transport';
import type { Transport } from '../transport';

export function linkedTransport(device: { attach(link: ByteLink): void }, label = 'sim'): Transport {
  const [host, end] = createLinkPair();
  device.attach(end);
  return memoryTransport(host, label);
}
