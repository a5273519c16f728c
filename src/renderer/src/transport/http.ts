// The console transport: the shared console client over the page's own fetch and this tab's session storage.
import { createConsoleClient, type KeyStorage } from '../../../shared/console-client';
import type { Transport } from './types';

export function createHttpTransport(fetchFn: typeof fetch, storage: KeyStorage | null): Transport {
  return createConsoleClient(fetchFn, storage);
}
