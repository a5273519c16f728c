// What an operator should act on, for the Overview: each item says what is wrong in a sentence and which screen
// fixes it. Computed on demand from what the node already keeps; nothing here is stored.
import type { AttentionItem, NodeStatus } from '../../../shared/contract.js';
import { isoFromMs } from '../clock.js';
import { formatBytes } from '../../../shared/bytes.js';
import { dataDirOf } from '../ceremony/folder.js';
import { databaseDisk } from '../data/diskSpace.js';
import { backupSchedule } from '../data/schedule.js';
import { activePeers } from '../federation/peers/repo.js';
import { latestManifestFor } from '../manifests/store.js';
import { countQuarantined } from '../quarantine/listing.js';
import type { NodeDeps } from '../server/deps.js';
import { interruptedRotationMessage } from '../rotation/startCheck.js';

const DAY_MS = 86_400_000;
/** A manifest or API key this close to its end is worth renewing now (the manifest's default life is 90 days). */
export const EXPIRY_WARNING_DAYS = 14;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const day = (ms: number): string => isoFromMs(ms).slice(0, 10);

function manifestItem(deps: NodeDeps, nowMs: number): AttentionItem | null {
  const m = latestManifestFor(deps.db, deps.orgEntityUri);
  if (!m) return null; // the Manifest screen says how to publish a first one; a node may run without
  if (m.expires_at_ms <= nowMs) {
    return { code: 'manifest_expired', screen: 'manifest', message: `The organisation manifest expired on ${day(m.expires_at_ms)}: peers cannot verify ${deps.orgEntityUri} and no capability token can be issued until a new one is published.` };
  }
  if (m.expires_at_ms - nowMs > EXPIRY_WARNING_DAYS * DAY_MS) return null;
  return { code: 'manifest_expiring', screen: 'manifest', message: `The organisation manifest expires on ${day(m.expires_at_ms)}; publish its successor before then.` };
}

/** The key and the database never backed up (and nothing backs the database up): a lost disk takes them along. */
function backupNudges(status: Pick<NodeStatus, 'keyBackup' | 'dataBackup'>): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (status.keyBackup.isPossible && status.keyBackup.lastAt === null) {
    items.push({ code: 'key_never_backed_up', screen: 'keys', message: "The identity key has no recorded backup: if this machine is lost, so is the organisation's identity." });
  }
  const data = status.dataBackup;
  if (data.isPossible && data.lastAt === null && !data.isAutomatic) {
    items.push({ code: 'database_never_backed_up', screen: 'data', message: 'The database has never been backed up: if this disk fails, its facts, peers and audit log go with it.' });
  }
  return items;
}

function apiKeysItem(deps: NodeDeps, nowMs: number): AttentionItem | null {
  const expiring = deps.apiKeys.listExpiring(nowMs + EXPIRY_WARNING_DAYS * DAY_MS);
  if (expiring.length === 0) return null;
  const first = expiring[0]!;
  return {
    code: 'api_keys_expiring', screen: null,
    message: `${plural(expiring.length, 'API key expires', 'API keys expire')} within ${EXPIRY_WARNING_DAYS} days (first: ${first.entity_uri} on ${first.expires_at!.slice(0, 10)}); its holder needs a new one (POST /v1/auth/keys).`,
  };
}

function peersItem(deps: NodeDeps): AttentionItem | null {
  if (!deps.config.federationEnabled) return null;
  const failing = activePeers(deps.db).filter((p) => p.status !== 'active' || p.error !== null);
  if (failing.length === 0) return null;
  const first = failing[0]!;
  return { code: 'peers_failing', screen: 'peers', message: `${plural(failing.length, 'peer is', 'peers are')} not replicating (${first.node_url}: ${first.error ?? first.status}).` };
}

function backupItem(deps: NodeDeps): AttentionItem | null {
  const failure = backupSchedule(deps)?.state.lastError ?? null;
  return failure === null ? null : { code: 'automatic_backup_failing', screen: 'data', message: `Automatic database backups are failing: ${failure}` };
}

function diskItem(deps: NodeDeps): AttentionItem | null {
  const disk = databaseDisk(deps.config);
  if (disk === null || !disk.isLow) return null;
  return {
    code: 'disk_space_low', screen: 'data',
    message: `Only ${formatBytes(disk.freeBytes)} is free on the disk that holds the database (${dataDirOf(deps.config)}). When it fills, writes and peers' facts are refused (storage_full) until space is freed; free space there or move the data folder to a larger disk.`,
  };
}

/** The mTLS certificate (or its CA) near or past its end, or naming another node: peers refuse this node's pulls. */
function tlsItem(deps: NodeDeps, t: NodeStatus['tls'], nowMs: number): AttentionItem | null {
  if (t === null) return null;
  const [end, what] = Date.parse(t.caValidTo) < Date.parse(t.validTo) ? [Date.parse(t.caValidTo), 'CA certificate (STIGMEM_TLS_CA_BUNDLE)'] : [Date.parse(t.validTo), 'TLS certificate (STIGMEM_TLS_CERT_PATH)'];
  if (end <= nowMs) return { code: 'tls_certificate_expired', screen: null, message: `The node's ${what} expired on ${day(end)}: peers refuse its connections until it is renewed (new files are taken up without a restart).` };
  if (end - nowMs <= EXPIRY_WARNING_DAYS * DAY_MS) return { code: 'tls_certificate_expiring', screen: null, message: `The node's ${what} expires on ${day(end)}; renew it before then (new files are taken up without a restart).` };
  if (!t.namesThisNode) return { code: 'tls_certificate_other_node', screen: null, message: `The node's TLS certificate names ${t.certificateUris.join(', ') || 'no URI'}, not this node's id ${deps.nodeId}: mTLS peers refuse its pulls and do not read its pages.` };
  return null;
}

function quarantineItem(deps: NodeDeps): AttentionItem | null {
  const pending = countQuarantined(deps.db, { status: 'pending' });
  return pending === 0 ? null : { code: 'quarantine_pending', screen: 'quarantine', message: `${plural(pending, 'fact waits', 'facts wait')} in quarantine for review.` };
}

/** `status` is what the node status already worked out: the backup state and the mTLS certificate in use. */
export function attentionItems(deps: NodeDeps, status: Pick<NodeStatus, 'keyBackup' | 'dataBackup' | 'tls'>): AttentionItem[] {
  const nowMs = deps.clock.nowMs();
  const rotation: AttentionItem | null = deps.interruptedRotation === null ? null : { code: 'key_rotation_interrupted', screen: 'keys', message: interruptedRotationMessage(deps.interruptedRotation) };
  // A throw-away node (tests, trials) says so, lest anyone take it for one that keeps what it is given.
  const memoryOnly: AttentionItem | null = deps.config.dbPath !== ':memory:' ? null : { code: 'memory_only', screen: null, message: 'This node keeps its database and identity key in memory only (STIGMEM_DB_PATH=:memory:): its facts, peers and key are gone when it stops.' };
  return [memoryOnly, rotation, diskItem(deps), tlsItem(deps, status.tls, nowMs), manifestItem(deps, nowMs), ...backupNudges(status), peersItem(deps), backupItem(deps), apiKeysItem(deps, nowMs), quarantineItem(deps)].filter((i): i is AttentionItem => i !== null);
}
