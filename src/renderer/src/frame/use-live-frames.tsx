// How components reach the page's live frame pipeline: a provider at the root (main.tsx) and a hook below it.
import { createContext, useContext, type ReactNode } from 'react';
import type { LiveFrames } from './live';

const FramesContext = createContext<LiveFrames | null>(null);

export function LiveFramesProvider({ frames, children }: { frames: LiveFrames; children: ReactNode }) {
  return <FramesContext.Provider value={frames}>{children}</FramesContext.Provider>;
}

export function useLiveFrames(): LiveFrames {
  const frames = useContext(FramesContext);
  if (!frames) throw new Error('no LiveFramesProvider above this component');
  return frames;
}
