// The port picker's options.
import { DEMO_TARGET, type PortInfo } from '../../../shared/contract';

const DEMO_OPTION: PortInfo = {
  target: DEMO_TARGET,
  path: DEMO_TARGET,
  board: 'Demo camera',
  isCamera: true,
};

/** The service lists the demo camera itself; before its list arrives the page offers it on its own — once. */
export function portOptions(ports: readonly PortInfo[]): PortInfo[] {
  const seen = new Set<string>();
  const out: PortInfo[] = [];
  for (const p of ports.some((x) => x.target === DEMO_TARGET) ? ports : [DEMO_OPTION, ...ports]) {
    if (seen.has(p.target)) continue;
    seen.add(p.target);
    out.push(p);
  }
  return out;
}
