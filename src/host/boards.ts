// Known USB ids (protocol reference §10, from openmv-boards boards.json and the firmware board configs).

export interface BoardId {
  vid: number;
  pid: number;
  board: string;
  /** Runs firmware that speaks the protocol. */
  protocol: boolean;
  /** DFU bootloader id of the same board, when it has one. */
  bootloader?: boolean;
}

export const KNOWN_BOARDS: readonly BoardId[] = [
  { vid: 0x37c5, pid: 0x1202, board: 'OpenMV Cam M7', protocol: true },
  { vid: 0x37c5, pid: 0x1203, board: 'OpenMV Cam H7', protocol: true },
  { vid: 0x37c5, pid: 0x1204, board: 'OpenMV Cam H7', protocol: true },
  { vid: 0x37c5, pid: 0x124a, board: 'OpenMV Cam H7 Plus', protocol: true },
  { vid: 0x37c5, pid: 0x1205, board: 'OpenMV Pure Thermal', protocol: true },
  { vid: 0x37c5, pid: 0x1206, board: 'OpenMV N6', protocol: true },
  { vid: 0x37c5, pid: 0x16e3, board: 'OpenMV AE3', protocol: true },
  { vid: 0x37c5, pid: 0x1060, board: 'OpenMV RT1060', protocol: true },
  { vid: 0x2341, pid: 0x045b, board: 'Arduino Portenta H7', protocol: true },
  { vid: 0x2341, pid: 0x045f, board: 'Arduino Nicla Vision', protocol: true },
  { vid: 0x2341, pid: 0x0466, board: 'Arduino Giga R1', protocol: true },
  { vid: 0x37c5, pid: 0x9202, board: 'OpenMV Cam M7 (DFU bootloader)', protocol: false, bootloader: true },
  { vid: 0x37c5, pid: 0x9203, board: 'OpenMV Cam H7 (DFU bootloader)', protocol: false, bootloader: true },
  { vid: 0x37c5, pid: 0x9204, board: 'OpenMV Cam H7 (DFU bootloader)', protocol: false, bootloader: true },
  {
    vid: 0x37c5,
    pid: 0x924a,
    board: 'OpenMV Cam H7 Plus (DFU bootloader)',
    protocol: false,
    bootloader: true,
  },
  {
    vid: 0x37c5,
    pid: 0x9205,
    board: 'OpenMV Pure Thermal (DFU bootloader)',
    protocol: false,
    bootloader: true,
  },
  { vid: 0x37c5, pid: 0x9206, board: 'OpenMV N6 (DFU bootloader)', protocol: false, bootloader: true },
  { vid: 0x37c5, pid: 0x96e3, board: 'OpenMV AE3 (DFU bootloader)', protocol: false, bootloader: true },
  { vid: 0x2341, pid: 0x035b, board: 'Arduino Portenta H7 (bootloader)', protocol: false, bootloader: true },
  { vid: 0x2341, pid: 0x035f, board: 'Arduino Nicla Vision (bootloader)', protocol: false, bootloader: true },
  { vid: 0x2341, pid: 0x0366, board: 'Arduino Giga R1 (bootloader)', protocol: false, bootloader: true },
  { vid: 0x1209, pid: 0xabd1, board: 'OpenMV Cam M4 (no protocol firmware)', protocol: false },
  { vid: 0x2341, pid: 0x015a, board: 'Arduino Nano 33 BLE (no protocol firmware)', protocol: false },
  { vid: 0x2341, pid: 0x015e, board: 'Arduino Nano RP2040 (no protocol firmware)', protocol: false },
  { vid: 0x2e8a, pid: 0x0005, board: 'Raspberry Pi Pico (no protocol firmware)', protocol: false },
];

export function lookupBoard(vid: number | undefined, pid: number | undefined): BoardId | undefined {
  if (vid === undefined || pid === undefined) return undefined;
  return KNOWN_BOARDS.find((b) => b.vid === vid && b.pid === pid);
}

export const formatUsbId = (vid: number, pid: number): string =>
  `${vid.toString(16).toUpperCase().padStart(4, '0')}:${pid.toString(16).toUpperCase().padStart(4, '0')}`;
