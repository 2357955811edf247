// How components reach the page's live frame pipeline: a provider at the root (main.tsx) and a hook below it.
import { requiredContext } from '../lib/required-context';
import type { LiveFrames } from './live';

export const [LiveFramesProvider, useLiveFrames] = requiredContext<LiveFrames>('live frames');
