// The admin contract: one map of operations (name → argument validator, request and result types). The IPC channel
// and the console's HTTP path are both derived from the operation name, so no name is ever typed twice.
import type { Result } from './result.js';
import { validateAuditQuery, type AuditPage, type AuditQuery } from './audit.js';
import {
  validateAddPeer,
  validatePeerRef,
  validateRepinPeer,
  type AddPeerInput,
  type PeerRef,
  type PeerSummary,
  type RemovedPeer,
  type RepinPeerInput,
} from './peers.js';
import {
  validateQuarantineDecision,
  validateQuarantineQuery,
  type QuarantineDecision,
  type QuarantineOutcome,
  type QuarantinePage,
  type QuarantineQuery,
} from './quarantine.js';
import {
  validateBackupInput,
  validateFirstRunChoice,
  validateRotateKey,
  type BackupDone,
  type BackupInput,
  type FirstRunChoice,
  type FirstRunDone,
  type IdentityOverview,
  type RotateKeyInput,
  type RotationDone,
} from './identity.js';
import { validateExportManifest, validatePublishManifest, type ExportedManifest, type ExportManifestInput, type ManifestState, type PublishManifestInput } from './manifest.js';
import { validateIssueToken, validateRevokeToken, type IssuedToken, type IssuedTokenResult, type IssueTokenInput, type RevokedToken, type RevokeTokenInput } from './tokens.js';
import { validateTrustOverride, validateTrustSourceRef, type TrustedSource, type TrustOverrideInput, type TrustOverview, type TrustSourceRef } from './trust.js';
import { validateNoArgument, validateRecentFactsQuery } from './validators.js';
import { validateFactRef, validateFactSearch, type FactDetail, type FactRef, type FactSearchInput, type FactSearchPage } from './facts.js';
import {
  validateDataBackupInput,
  validateDataFileInput,
  validateDataRestoreInput,
  validateDataScheduleInput,
  type AutomaticBackups,
  type BackupProgress,
  type DataBackupDone,
  type DataBackupInput,
  type DataFileInput,
  type DataInspected,
  type DataOverview,
  type DataRestoreDone,
  type DataRestoreInput,
  type DataScheduleInput,
} from './data.js';

/** Something the operator should act on, and the screen that does it (null: outside the screens). */
export interface AttentionItem {
  code:
    | 'manifest_expired' | 'manifest_expiring' | 'key_never_backed_up' | 'database_never_backed_up' | 'peers_failing' | 'automatic_backup_failing'
    | 'api_keys_expiring' | 'quarantine_pending' | 'disk_space_low' | 'tls_certificate_expiring' | 'tls_certificate_expired'
    | 'tls_certificate_other_node' | 'key_rotation_interrupted' | 'memory_only';
  message: string;
  screen: 'manifest' | 'keys' | 'data' | 'peers' | 'quarantine' | null;
}

/** What the dashboard shows about the running node. Public material only: there is no private-key operation. */
export interface NodeStatus {
  nodeId: string;
  /** The organisation this node acts for (STIGMEM_ENTITY_URI, else derived from the node URL). */
  orgEntityUri: string;
  nodeUrl: string;
  version: string;
  protocolVersion: string;
  isAuthRequired: boolean;
  isFederationEnabled: boolean;
  /** Where the identity key lives, for people (a keychain, a file path, an env variable), never the key. */
  keyCustody: string;
  publicKey: string;
  keyId: string;
  /** The key id's first 128 bits in groups of four, for reading aloud. */
  fingerprint: string;
  /** The key peers pin for replication (the identity key unless a separate federation key is configured). */
  federationPublicKey: string;
  federationFingerprint: string;
  /** Keys this node rotated away from whose signatures still verify (their dual-trust window is open), newest first. */
  retiredKeys: RetiredKey[];
  /** Whether this node's own stored key can be backed up here, and its newest backup in the signed ceremony record. */
  keyBackup: { isPossible: boolean; lastAt: string | null };
  /** Whether the database can be backed up (it is a file), its newest backup, and whether backups are automatic. */
  dataBackup: { isPossible: boolean; lastAt: string | null; isAutomatic: boolean };
  factCount: number;
  gardenCount: number;
  uptimeSeconds: number;
  dbPath: string;
  /** mTLS in use (STIGMEM_TLS_*): what this node's certificate names and until when; null over plain HTTP. */
  tls: TlsStatus | null;
  /** What needs the operator, most pressing first; empty when nothing does. */
  attention: AttentionItem[];
}

export interface TlsStatus {
  /** The certificate's URI SANs: peers accept it only when one is this node's id. */
  certificateUris: string[];
  namesThisNode: boolean;
  validTo: string;
  /** The CA bundle's (first) certificate, which every peer's certificate must chain to. */
  caValidTo: string;
}

/**
 * How far the node behind the window has come: the desktop opens its window first and then upgrades the database and
 * starts the node, which can take a while for a large database. A console is served by a running node: always ready.
 */
export type NodeStartup =
  | { phase: 'starting' }
  | { phase: 'upgrading'; step: number; steps: number; schemaVersion: number; migration: string }
  | { phase: 'ready' }
  /** `damagedDatabase`: the database cannot be read; a data backup can be restored over it from the window. */
  | { phase: 'failed'; message: string; damagedDatabase?: { dbPath: string; entityUri: string } }
  /** The desktop stopped its node for a step that needs it stopped (a key rotation) and starts it again after. */
  | { phase: 'maintenance'; task: string }
  /** A first start on an empty data folder: the operator chooses a new identity or restores one from a backup. */
  | { phase: 'first-run'; dataDir: string; keyStore: string };

export interface RetiredKey {
  keyId: string;
  fingerprint: string;
  rotatedAt: string;
  /** The end of the dual-trust window. */
  trustedUntil: string;
}

export interface RecentFact {
  id: string;
  entity: string;
  relation: string;
  /** The value as stored: strings as they are, numbers as their literal, booleans as true/false. */
  value: string;
  valueType: string;
  source: string;
  scope: string;
  timestamp: string;
}

export interface PublicIdentity {
  publicKey: string;
  keyId: string;
  fingerprint: string;
}

/** One operation: a validator for its argument; `Input` (what callers send) and `Res` are carried as types only. */
export interface OperationSpec<Input, Args, Res> {
  readonly validate: (arg: unknown) => Result<Args>;
  readonly types?: { readonly input: Input; readonly result: Res };
}

function operation<Input, Res>() {
  return <Args>(validate: (arg: unknown) => Result<Args>): OperationSpec<Input, Args, Res> => ({ validate });
}

export const ADMIN_OPERATIONS = {
  'node:startup': operation<undefined, NodeStartup>()(validateNoArgument),
  'node:status': operation<undefined, NodeStatus>()(validateNoArgument),
  'facts:recent': operation<{ limit?: number } | undefined, RecentFact[]>()(validateRecentFactsQuery),
  'facts:search': operation<FactSearchInput | undefined, FactSearchPage>()(validateFactSearch),
  'facts:detail': operation<FactRef, FactDetail>()(validateFactRef),
  'identity:publicKey': operation<undefined, PublicIdentity>()(validateNoArgument),
  'identity:overview': operation<undefined, IdentityOverview>()(validateNoArgument),
  'identity:backup': operation<BackupInput, BackupDone>()(validateBackupInput),
  'identity:rotate': operation<RotateKeyInput, RotationDone>()(validateRotateKey),
  'identity:firstRun': operation<FirstRunChoice, FirstRunDone>()(validateFirstRunChoice),
  'peers:list': operation<undefined, PeerSummary[]>()(validateNoArgument),
  'peers:add': operation<AddPeerInput, PeerSummary>()(validateAddPeer),
  'peers:repin': operation<RepinPeerInput, PeerSummary>()(validateRepinPeer),
  'peers:remove': operation<PeerRef, RemovedPeer>()(validatePeerRef),
  'quarantine:list': operation<Partial<QuarantineQuery> | undefined, QuarantinePage>()(validateQuarantineQuery),
  'quarantine:decide': operation<QuarantineDecision, QuarantineOutcome>()(validateQuarantineDecision),
  'trust:list': operation<undefined, TrustOverview>()(validateNoArgument),
  'trust:set': operation<TrustOverrideInput, TrustedSource>()(validateTrustOverride),
  'trust:clear': operation<TrustSourceRef, TrustedSource>()(validateTrustSourceRef),
  'manifest:current': operation<undefined, ManifestState>()(validateNoArgument),
  'manifest:publish': operation<PublishManifestInput, ManifestState>()(validatePublishManifest),
  'manifest:export': operation<ExportManifestInput, ExportedManifest>()(validateExportManifest),
  'tokens:list': operation<undefined, IssuedToken[]>()(validateNoArgument),
  'tokens:issue': operation<IssueTokenInput, IssuedTokenResult>()(validateIssueToken),
  'tokens:revoke': operation<RevokeTokenInput, RevokedToken>()(validateRevokeToken),
  'data:overview': operation<undefined, DataOverview>()(validateNoArgument),
  'data:backup': operation<DataBackupInput, DataBackupDone>()(validateDataBackupInput),
  'data:progress': operation<undefined, BackupProgress | null>()(validateNoArgument),
  'data:inspect': operation<DataFileInput, DataInspected>()(validateDataFileInput),
  'data:restore': operation<DataRestoreInput, DataRestoreDone>()(validateDataRestoreInput),
  'data:schedule': operation<DataScheduleInput, AutomaticBackups | null>()(validateDataScheduleInput),
  'audit:list': operation<Partial<AuditQuery> | undefined, AuditPage>()(validateAuditQuery),
} as const satisfies Record<`${string}:${string}`, OperationSpec<unknown, unknown, unknown>>;

export type OperationName = keyof typeof ADMIN_OPERATIONS;
type SpecOf<N extends OperationName> = (typeof ADMIN_OPERATIONS)[N];
export type InputOf<N extends OperationName> = SpecOf<N> extends OperationSpec<infer I, unknown, unknown> ? I : never;
export type ArgsOf<N extends OperationName> = SpecOf<N> extends OperationSpec<unknown, infer A, unknown> ? A : never;
export type ResultOf<N extends OperationName> = SpecOf<N> extends OperationSpec<unknown, unknown, infer R> ? R : never;

export const OPERATION_NAMES = Object.keys(ADMIN_OPERATIONS) as OperationName[];

export function isOperationName(x: unknown): x is OperationName {
  return typeof x === 'string' && Object.hasOwn(ADMIN_OPERATIONS, x);
}

/** The IPC channel of an operation is its name (`domain:verb`). */
export const ipcChannelOf = <N extends OperationName>(op: N): N => op;

/** The headless console's path for an operation. */
export const consoleApiPath = (op: OperationName): string => `/console/api/${op}`;

/** How a caller invokes one operation: optional argument when the operation takes none. */
export type OperationCall<N extends OperationName> = undefined extends InputOf<N>
  ? (arg?: InputOf<N>) => Promise<Result<ResultOf<N>>>
  : (arg: InputOf<N>) => Promise<Result<ResultOf<N>>>;

type DomainOf<N> = N extends `${infer D}:${string}` ? D : never;
type VerbOf<N, D extends string> = N extends `${D}:${infer V}` ? V : never;

/** `window.stigmem`: one part per domain, one method per verb (`stigmem.node.status()`). */
export type StigmemApi = {
  readonly [D in DomainOf<OperationName>]: { readonly [N in OperationName as VerbOf<N, D>]: OperationCall<N> };
};

export function splitOperationName(op: OperationName): { domain: string; verb: string } {
  const at = op.indexOf(':');
  return { domain: op.slice(0, at), verb: op.slice(at + 1) };
}
