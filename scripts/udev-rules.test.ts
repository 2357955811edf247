// resources/linux/99-openmv.rules against the USB id table of the protocol reference (§10).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const rulesFile = fileURLToPath(new URL('../resources/linux/99-openmv.rules', import.meta.url));
const text = readFileSync(rulesFile, 'utf8');

/** Protocol-capable boards (§10): application VID:PID, and the DFU bootloader's where one exists. */
const BOARDS: readonly [board: string, app: string, dfu?: string][] = [
  ['OpenMV Cam M7', '37C5:1202', '37C5:9202'],
  ['OpenMV Cam H7 (OPENMV3)', '37C5:1203', '37C5:9203'],
  ['OpenMV Cam H7 (OPENMV4)', '37C5:1204', '37C5:9204'],
  ['OpenMV Cam H7 Plus', '37C5:124A', '37C5:924A'],
  ['OpenMV Pure Thermal', '37C5:1205', '37C5:9205'],
  ['OpenMV N6', '37C5:1206', '37C5:9206'],
  ['OpenMV AE3', '37C5:16E3', '37C5:96E3'],
  ['OpenMV RT1060', '37C5:1060'],
  ['Arduino Portenta H7', '2341:045B', '2341:035B'],
  ['Arduino Nicla Vision', '2341:045F', '2341:035F'],
  ['Arduino Giga R1', '2341:0466', '2341:0366'],
];
/** Boards without the protocol (§10): no rules for them. */
const NOT_PROTOCOL = ['1209:ABD1', '2341:015A', '2341:015E', '2E8A:0005'];

type Token = { key: string; attr?: string; op: string; value: string };
interface Rule {
  line: number;
  tokens: Token[];
}

const TOKEN = /^\s*([A-Z_]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(?:,|$)/;

function parseRules(src: string): Rule[] {
  const rules: Rule[] = [];
  src.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const tokens: Token[] = [];
    let rest = line;
    while (rest.trim()) {
      const m = TOKEN.exec(rest);
      if (!m) throw new Error(`${rulesFile}:${i + 1}: cannot parse "${rest}"`);
      tokens.push({ key: m[1]!, attr: m[2], op: m[3]!, value: m[4]! });
      rest = rest.slice(m[0].length);
    }
    rules.push({ line: i + 1, tokens });
  });
  return rules;
}

const rules = parseRules(text);
const get = (r: Rule, key: string, attr?: string) => r.tokens.find((t) => t.key === key && t.attr === attr);
const labels = new Set(rules.flatMap((r) => r.tokens.filter((t) => t.key === 'LABEL').map((t) => t.value)));

/** The section a rule sits in: the last LABEL above it. */
function sectionOf(rule: Rule): string | undefined {
  let current: string | undefined;
  for (const r of rules) {
    const label = get(r, 'LABEL');
    if (label) current = label.value;
    if (r === rule) return current;
  }
  return undefined;
}

function matched(section: string, key: 'ATTR' | 'ATTRS'): Set<string> {
  const ids = new Set<string>();
  for (const r of rules) {
    if (sectionOf(r) !== section) continue;
    const vid = get(r, key, 'idVendor');
    const pid = get(r, key, 'idProduct');
    if (!vid || !pid) continue;
    expect(get(r, 'GOTO')?.value, `line ${r.line}`).toBe('openmv_access');
    ids.add(`${vid.value}:${pid.value}`.toUpperCase());
  }
  return ids;
}

describe('99-openmv.rules', () => {
  it('parses as udev rules: key{attr} op "value" tokens, match ops only on match keys, every GOTO has a LABEL', () => {
    const matchKeys = new Set([
      'ACTION',
      'SUBSYSTEM',
      'SUBSYSTEMS',
      'ATTR',
      'ATTRS',
      'ENV',
      'KERNEL',
      'DRIVERS',
    ]);
    for (const r of rules) {
      for (const t of r.tokens) {
        if (t.op === '==' || t.op === '!=')
          expect(matchKeys.has(t.key), `line ${r.line}: ${t.key}${t.op}`).toBe(true);
        if (t.key === 'GOTO') expect(labels.has(t.value), `line ${r.line}: GOTO ${t.value}`).toBe(true);
      }
    }
    expect(rules.length).toBeGreaterThan(30);
  });

  it('matches hex ids in lower case, as sysfs spells them', () => {
    for (const r of rules) {
      for (const t of r.tokens.filter((x) => x.attr === 'idVendor' || x.attr === 'idProduct')) {
        expect(t.value, `line ${r.line}`).toMatch(/^[0-9a-f]{4}$/);
      }
    }
  });

  it('covers every protocol-capable board on its serial port and USB device, and every DFU bootloader', () => {
    const tty = matched('openmv_tty', 'ATTRS');
    const usb = matched('openmv_usb', 'ATTR');
    for (const [board, app, dfu] of BOARDS) {
      expect(tty.has(app), `${board} tty ${app}`).toBe(true);
      expect(usb.has(app), `${board} usb ${app}`).toBe(true);
      if (dfu) expect(usb.has(dfu), `${board} DFU ${dfu}`).toBe(true);
    }
    const known = new Set(BOARDS.flatMap(([, app, dfu]) => (dfu ? [app, dfu] : [app])));
    expect([...tty, ...usb].filter((id) => !known.has(id))).toEqual([]);
    for (const id of NOT_PROTOCOL) expect(tty.has(id) || usb.has(id), id).toBe(false);
  });

  it('routes tty and usb_device events to their sections and skips removals', () => {
    const routes = rules.filter((r) => sectionOf(r) === undefined);
    const route = (subsystem: string) =>
      routes.find((r) => get(r, 'SUBSYSTEM')?.value === subsystem && get(r, 'GOTO'));
    expect(route('tty') && get(route('tty')!, 'GOTO')?.value).toBe('openmv_tty');
    expect(route('usb') && get(route('usb')!, 'ENV', 'DEVTYPE')?.value).toBe('usb_device');
    expect(
      routes.some((r) => get(r, 'ACTION')?.value === 'remove' && get(r, 'GOTO')?.value === 'openmv_end'),
    ).toBe(true);
  });

  it('grants access (uaccess, plugdev fallback) and tells ModemManager to ignore the device', () => {
    const access = rules.filter((r) => sectionOf(r) === 'openmv_access').flatMap((r) => r.tokens);
    const has = (key: string, value: string, attr?: string) =>
      access.some((t) => t.key === key && t.value === value && t.attr === attr);
    expect(has('ENV', '1', 'ID_MM_DEVICE_IGNORE')).toBe(true);
    expect(has('TAG', 'uaccess')).toBe(true);
    expect(has('RUN', 'uaccess', 'builtin')).toBe(true);
    expect(has('GROUP', 'plugdev')).toBe(true);
    expect(has('MODE', '0660')).toBe(true);
  });

  it('documents the manual install command', () => {
    expect(text).toContain('sudo udevadm control --reload-rules && sudo udevadm trigger');
  });
});
