// Channel 0: the physical transport ("usb" on a camera). Listed with PHYSICAL only; it answers SIZE with
// the bytes the transport holds but has not handed to the protocol yet. (The firmware's USB channel also
// wires read/write to the raw endpoint; the simulator leaves them out, so READ/WRITE get NAK INVALID.)
import { ChannelFlag, ChannelId } from '../../protocol';
import type { DeviceChannel } from '../channel';

export function transportChannel(
  name: string,
  isActive: () => boolean,
  pending: () => number,
): DeviceChannel {
  return {
    id: ChannelId.TRANSPORT,
    flags: ChannelFlag.PHYSICAL,
    name,
    isActive,
    size: pending,
  };
}
