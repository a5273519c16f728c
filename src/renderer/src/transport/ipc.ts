// The Electron transport: the preload's `window.stigmem`, already bound to the main process over IPC.
import type { StigmemApi } from '../../../shared/contract';
import type { Transport } from './types';

export function createIpcTransport(api: StigmemApi): Transport {
  return { api, adminKey: null };
}
