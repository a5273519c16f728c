// The admin handler map: one implementation per contract operation, shared by Electron's IPC and the HTTP console.
import {
  isOperationName,
  type NodeStatus,
  type OperationName,
  type PublicIdentity,
  type RecentFact,
} from '../../../shared/contract.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { humanFingerprintOfKeyId } from '../crypto/ed25519.js';
import { sql } from '../db/sql.js';
import { storageFailureOf } from '../db/storageErrors.js';
import { previousKeysTrustedAt } from '../rotation/store.js';
import type { NodeDeps } from '../server/deps.js';
import { attentionItems } from './attention.js';
import { tlsStatusOf } from '../server/tls.js';
import { AUDIT_HANDLERS } from './auditHandlers.js';
import { DATA_HANDLERS, dataBackupStatus } from './dataHandlers.js';
import { FACT_HANDLERS } from './factHandlers.js';
import { displayValue } from './display.js';
import { IDENTITY_HANDLERS, keyBackupStatus } from './identityHandlers.js';
import { MANIFEST_HANDLERS } from './manifestHandlers.js';
import { PEER_HANDLERS } from './peerHandlers.js';
import { QUARANTINE_HANDLERS } from './quarantineHandlers.js';
import { TOKEN_HANDLERS } from './tokenHandlers.js';
import { TRUST_HANDLERS } from './trustHandlers.js';
import { withValidArgument, type AdminHandler } from './validArgument.js';

export type { AdminHandler };
export { displayValue };

type AdminHandlerMap = { readonly [N in OperationName]: AdminHandler<N> };

const startedAtMs = new WeakMap<NodeDeps, number>();

/** Uptime counts from here: called when the node's app is assembled. */
export function markNodeStarted(deps: NodeDeps): void {
  if (!startedAtMs.has(deps)) startedAtMs.set(deps, deps.clock.nowMs());
}

function countOf(deps: NodeDeps, query: ReturnType<typeof sql>): number {
  return deps.db.get<{ n: number }>(query)?.n ?? 0;
}

function publicIdentity(deps: NodeDeps): PublicIdentity {
  const key = deps.keys.org;
  return { publicKey: key.publicKey, keyId: key.keyId, fingerprint: key.fingerprint };
}

function nodeStatus(deps: NodeDeps): NodeStatus {
  const started = startedAtMs.get(deps) ?? deps.clock.nowMs();
  // Worked out once for the status and its attention items (the key's backup reads the signed ceremony record).
  const worked = { keyBackup: keyBackupStatus(deps), dataBackup: dataBackupStatus(deps), tls: deps.tls.current === null ? null : tlsStatusOf(deps.tls.current, deps.nodeId) };
  return {
    nodeId: deps.nodeId,
    orgEntityUri: deps.orgEntityUri,
    nodeUrl: deps.config.nodeUrl,
    version: deps.version.product,
    protocolVersion: deps.version.protocol,
    isAuthRequired: deps.config.authRequired,
    isFederationEnabled: deps.config.federationEnabled,
    keyCustody: deps.keys.org.custody,
    ...publicIdentity(deps),
    federationPublicKey: deps.keys.federation.publicKey,
    federationFingerprint: deps.keys.federation.fingerprint,
    retiredKeys: previousKeysTrustedAt(deps.db, deps.clock.nowMs()).map((k) => ({
      keyId: k.keyId, fingerprint: humanFingerprintOfKeyId(k.keyId), rotatedAt: k.rotatedAt, trustedUntil: k.trustedUntil,
    })),
    keyBackup: worked.keyBackup,
    dataBackup: worked.dataBackup,
    factCount: countOf(deps, sql`SELECT COUNT(*) AS n FROM facts`),
    gardenCount: countOf(deps, sql`SELECT COUNT(*) AS n FROM gardens WHERE deleted_at IS NULL`),
    uptimeSeconds: Math.max(0, Math.floor((deps.clock.nowMs() - started) / 1000)),
    dbPath: deps.config.dbPath,
    tls: worked.tls,
    attention: attentionItems(deps, worked),
  };
}

interface FactRow {
  id: string;
  entity: string;
  relation: string;
  value_type: string;
  value_v: string;
  source: string;
  scope: string;
  timestamp: string;
}


function recentFacts(deps: NodeDeps, limit: number): RecentFact[] {
  const rows = deps.db.all<FactRow>(
    sql`SELECT id, entity, relation, value_type, value_v, source, scope, timestamp FROM facts ORDER BY seq DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity,
    relation: r.relation,
    value: displayValue(r.value_type, r.value_v),
    valueType: r.value_type,
    source: r.source,
    scope: r.scope,
    timestamp: r.timestamp,
  }));
}

export const ADMIN_HANDLERS = {
  // A node answering at all has started (the console's case); the desktop answers this one itself (desktop/ipc.ts).
  'node:startup': withValidArgument('node:startup', () => ok({ phase: 'ready' })),
  'node:status': withValidArgument('node:status', (deps) => ok(nodeStatus(deps))),
  'facts:recent': withValidArgument('facts:recent', (deps, args) => ok(recentFacts(deps, args.limit))),
  ...FACT_HANDLERS,
  'identity:publicKey': withValidArgument('identity:publicKey', (deps) => ok(publicIdentity(deps))),
  ...IDENTITY_HANDLERS,
  ...PEER_HANDLERS,
  ...QUARANTINE_HANDLERS,
  ...TRUST_HANDLERS,
  ...MANIFEST_HANDLERS,
  ...TOKEN_HANDLERS,
  ...DATA_HANDLERS,
  ...AUDIT_HANDLERS,
} satisfies AdminHandlerMap;

/** Dispatch one operation by name: unknown names and handler failures come back as envelopes too. */
export async function runAdminOperation(
  deps: NodeDeps,
  op: string,
  arg: unknown,
  reportError: (err: unknown) => void = () => {},
): Promise<Result<unknown>> {
  if (!isOperationName(op)) return fail('unknown_operation', `unknown operation ${JSON.stringify(op.slice(0, 64))}`);
  try {
    return await (ADMIN_HANDLERS[op] as AdminHandler<OperationName>)(deps, arg);
  } catch (e) {
    // A handler bug must not leak internals (paths, SQL) to the caller; the reporter (a log) keeps the detail.
    reportError(e);
    const storage = storageFailureOf(e);
    return storage !== null ? fail(storage.code, storage.detail) : fail('internal_error', `the node could not complete ${op}`);
  }
}
