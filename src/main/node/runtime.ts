// Start and stop one node: database, identity, bootstrap admin key, HTTP server. Used by `stigmem serve` and Electron.
import { basename } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { ApiKeyStore } from './auth/apiKeys.js';
import { recordAudit } from './audit/log.js';
import { isoFromMs, systemClock, type Clock } from './clock.js';
import { localNodeUrl, type NodeConfig } from './config/env.js';
import { orgEntityFor } from './config/orgEntity.js';
import { backupCheckerFor } from './data/backupCheck.js';
import { ceremonyRecordPath } from './ceremony/folder.js';
import { startCeremonyRecord } from './ceremony/record.js';
import { openDatabase } from './db/connection.js';
import type { Migration } from './db/migrations/index.js';
import { inlinePageFetcher, WorkerPageFetcher } from './federation/pageFetcher.js';
import { loadNodeKeys, type KeyLoadOptions } from './identity/keys.js';
import { buildApp } from './server/app.js';
import type { ConnectionLimits } from './server/connections.js';
import { certificateUris, loadTlsMaterial, serverTlsOptions } from './server/tls.js';
import { watchTlsFiles } from './server/tlsReload.js';
import type { Server as TlsServer } from 'node:tls';
import { usePeerTls } from './federation/http.js';
import type { App, NodeDeps } from './server/deps.js';
import { acquireRunLock } from './runLock.js';
import { removeDataDirLeftovers } from './data/leftovers.js';
import { findInterruptedRotation, interruptedRotationMessage } from './rotation/startCheck.js';
import { PRODUCT_VERSION, PROTOCOL_VERSION } from './version.js';

export interface RunningNode {
  url: string;
  deps: NodeDeps;
  app: App;
  notices: string[];
  /** Load the mTLS files now (SIGHUP); null when the node serves plain HTTP. */
  reloadTls(): { ok: boolean; message: string } | null;
  close(): Promise<void>;
}

export interface NodeOptions {
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** How the identity key store is reached: a replacement keychain store, consent before a fallback. */
  keys?: KeyLoadOptions;
  /** Told before each schema upgrade of an existing database, so a long one is announced rather than silent. */
  onUpgrade?: (m: Migration) => void;
  /** The HTTP server's request timeout and connection cap; tests shorten them. */
  limits?: Partial<ConnectionLimits>;
  /** The built page worker (federation/pageWorker.ts); without it, pages are fetched and checked on this thread. */
  pageWorkerFile?: string;
  /** The built backup check worker (data/backupCheckWorker.ts); without it, backups are checked on this thread. */
  backupCheckWorkerFile?: string;
}

/** Everything but the listening socket: what tests drive with app.inject. */
export async function createNode(config: NodeConfig, opts: NodeOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const notices: string[] = [];
  // Before anything is read or written: a second node on the same database is refused, not run beside the first.
  const runLock = acquireRunLock(config.dbPath);
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(config.dbPath, { onUpgrade: opts.onUpgrade });
  } catch (e) {
    runLock.release();
    throw e;
  }
  try {
    // Holding the folder now, nothing else is under way in it: copies an interrupted step left behind go.
    const leftovers = removeDataDirLeftovers(config.dbPath, Date.now());
    if (leftovers.length > 0) notices.push(`removed ${leftovers.length} temporary file(s) an interrupted backup, restore or key change left beside the database: ${leftovers.map((p) => basename(p)).join(', ')}`);
    // The database is open first: node_meta names the key's store and the node id is the keychain account.
    const keys = await loadNodeKeys(config, db, opts.keys);
    notices.push(...keys.notices);
    const interruptedRotation = await findInterruptedRotation(config, db, keys, opts.keys);
    if (interruptedRotation !== null) notices.push(interruptedRotationMessage(interruptedRotation));
    const nodeId = keys.nodeId;
    if (keys.isGenerated) {
      const custody = keys.keyCustody;
      recordAudit(db, { category: 'identity', eventType: 'identity_created', actor: nodeId, subject: keys.org.keyId, detail: { key_store: custody.backend, key_location: custody.location, fallback_reason: custody.fallbackReason } }, clock.nowMs());
      // The key's history starts here as it would with `stigmem ceremony init`, so its backups have a record to join.
      if (config.dbPath !== ':memory:') {
        try {
          const keptAs = startCeremonyRecord(ceremonyRecordPath(config), keys.org, nodeId, clock.nowMs(), { key_store: custody.backend, key_location: custody.location, entity_uri: orgEntityFor(config) });
          if (keptAs !== null) notices.push(`the ceremony record of an earlier identity in this folder was kept as ${keptAs}`);
        } catch (e) {
          notices.push(`the ceremony record could not be started (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the key's later steps start it`);
        }
      }
    }
    const apiKeys = new ApiKeyStore(db, () => clock.nowMs());
    const orgEntityUri = orgEntityFor(config);
    if (config.adminKey) apiKeys.ensureBootstrapKey(config.adminKey, orgEntityUri, isoFromMs(clock.nowMs()));
    else if (config.authRequired) notices.push('no STIGMEM_ADMIN_KEY is set: admin routes are unreachable until one is');
    notices.push(`identity key: ${keys.org.custody} (key id ${keys.org.keyId.slice(0, 16)}…)`);
    const tls = config.tls === null ? null : loadTlsMaterial(config.tls);
    if (tls !== null) {
      if (!config.nodeUrl.startsWith('https:')) notices.push(`STIGMEM_NODE_URL is ${config.nodeUrl}, but with STIGMEM_TLS_* set the node answers HTTPS only: advertise its https:// URL`);
      if (!certificateUris(tls.cert).includes(nodeId)) notices.push(`the TLS certificate (STIGMEM_TLS_CERT_PATH) does not name this node's id ${nodeId} as a URI SAN: mTLS peers will refuse its pulls and pages`);
      usePeerTls(tls);
    }
    // The page worker starts with the first pull (after the app below exists) and tells the node's log if it cannot.
    const pages = opts.pageWorkerFile ? new WorkerPageFetcher(opts.pageWorkerFile, (m) => app.log.warn(m), undefined, tls) : inlinePageFetcher;
    const deps: NodeDeps = { config, db, keys, nodeId, clock, apiKeys, orgEntityUri, version: { product: PRODUCT_VERSION, protocol: PROTOCOL_VERSION }, pages, keyOptions: opts.keys,
      backupCheck: backupCheckerFor(opts.backupCheckWorkerFile, (m) => app.log.warn(m)), tls: { current: tls }, interruptedRotation };
    // The folder stays this node's until its pull loops, page reader and backups have stopped writing.
    const app: App = await buildApp(deps, { logger: opts.logger, tls, limits: opts.limits, onStopped: () => runLock.release() });
    return { deps, app, notices };
  } catch (e) {
    db.raw.close();
    runLock.release();
    throw e;
  }
}

export async function startNode(config: NodeConfig, opts: NodeOptions = {}): Promise<RunningNode> {
  const { deps, app, notices } = await createNode(config, opts);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close();
    deps.db.raw.close();
    throw e;
  }
  app.server.maxHeadersCount = 200;
  const tlsWatch = config.tls === null ? null : watchTlsFiles(config.tls, (m) => {
    (app.server as unknown as TlsServer).setSecureContext(serverTlsOptions(m));
    deps.tls.current = m;
    usePeerTls(m);
    deps.pages.useTls(m);
  }, app.log, config.tlsReloadCheckS * 1000);
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let closed = false;
  return {
    url: localNodeUrl(config, port),
    deps,
    app,
    notices,
    reloadTls: () => tlsWatch?.reloadNow() ?? null,
    async close() {
      if (closed) return;
      closed = true;
      tlsWatch?.stop();
      await app.close();
      deps.db.raw.close();
    },
  };
}

