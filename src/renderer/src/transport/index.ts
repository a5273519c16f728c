// Picks the transport once: Electron's preload when it is there, else the headless console over HTTP.
import { createHttpTransport } from './http';
import { createIpcTransport } from './ipc';
import type { Transport } from './types';

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be blocked by browser settings; the key then lasts only as long as the page.
    return null;
  }
}

export function selectTransport(): Transport {
  if (window.stigmem) return createIpcTransport(window.stigmem);
  return createHttpTransport(window.fetch.bind(window), sessionStorageOrNull());
}

export const transport: Transport = selectTransport();
export type { Transport, AdminKeyStore } from './types';
