// What every component receives: configuration, storage, identity and time. No Electron, no globals.
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeyStore } from '../auth/apiKeys.js';
import type { Principal } from '../auth/permissions.js';
import type { Clock } from '../clock.js';
import type { NodeConfig } from '../config/env.js';
import type { WriteDb } from '../db/sql.js';
import type { KeyLoadOptions, NodeKeys } from '../identity/keys.js';
import type { TlsMaterial } from '../crypto/tlsMaterial.js';
import type { InterruptedRotation } from '../rotation/startCheck.js';
import type { PageFetcher } from '../federation/pageFetcher.js';
import type { BackupChecker } from '../data/backupCheck.js';

export interface NodeDeps {
  config: NodeConfig;
  db: WriteDb;
  keys: NodeKeys;
  nodeId: string;
  clock: Clock;
  apiKeys: ApiKeyStore;
  /** The entity this node's admin acts as: STIGMEM_ENTITY_URI, else stigmem://<node URL authority>. */
  orgEntityUri: string;
  version: { product: string; protocol: string };
  /** Where peers' pages are fetched and checked (a worker thread in the shells, this thread in tests). */
  pages: PageFetcher;
  /** Where a backup file is read in full to check it (a worker thread in the shells, this thread in tests). */
  backupCheck: BackupChecker;
  /** How the key store was reached at start, so a ceremony step opens the same store (a test's keychain, say). */
  keyOptions?: KeyLoadOptions;
  /** The mTLS files in use (null: plain HTTP); replaced when renewed files are taken up. */
  tls: { current: TlsMaterial | null };
  /** Found at start: a key rotation cut short after the new key took over (the Overview and the Keys screen finish it). */
  interruptedRotation: InterruptedRotation | null;
}

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** How a route authenticates: API key (default), open to anyone, or a peer's own scheme. */
export type RouteAuth = 'key' | 'public' | 'peer';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}
