// The service surface both carriers (Electron main, browser-host server) serve over the RPC core: the contract's
// provider side plus close().
import type { ContractProvider } from '../shared/contract';

export interface CamdeckService extends ContractProvider {
  close(): Promise<void>;
}
