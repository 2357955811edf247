import { useEffect, useRef } from 'react';

/**
 * Call `tick` now and every `ms` while `active`; `isLive()` tells a tick whether its answer still counts
 * (false once the poll stopped, so a late reply never lands after a disconnect).
 */
export function usePoll(active: boolean, ms: number, tick: (isLive: () => boolean) => Promise<void>): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let live = true;
    const isLive = () => live;
    const run = () => void latest.current(isLive);
    run();
    const t = setInterval(run, ms);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [active, ms]);
}
