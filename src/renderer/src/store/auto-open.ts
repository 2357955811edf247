// "Open new OpenMV cameras automatically": which ports a `ports` event added that are cameras nobody shows yet.
import type { PortInfo } from '../../../shared/contract';
import type { CameraView } from './camera-view';
import { savedForTarget, type Workspace } from './workspace';

export function portsToOpen(
  before: readonly PortInfo[],
  after: readonly PortInfo[],
  ws: Workspace,
  cameras: Readonly<Record<string, CameraView>>,
): string[] {
  const serials = new Set(Object.values(cameras).flatMap((v) => (v.info?.serial ? [v.info.serial] : [])));
  return after
    .filter(
      (p) =>
        p.isCamera &&
        !before.some((q) => q.target === p.target) &&
        !savedForTarget(ws, p.target) &&
        !(p.serialNumber && serials.has(p.serialNumber)),
    )
    .map((p) => p.target);
}
