// What the screens talk to. The same API whether it runs over Electron IPC or over HTTP to the headless console.
import type { AdminKeyStore } from '../../../shared/console-client';
import type { StigmemApi } from '../../../shared/contract';

export type { AdminKeyStore };

export interface Transport {
  readonly api: StigmemApi;
  /** Present when calls need an admin key from the operator; null when the transport is trusted as it is. */
  readonly adminKey: AdminKeyStore | null;
}
