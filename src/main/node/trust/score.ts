// Source trust t ∈ [0, 1] (REFERENCE-NODE.md §7 with CONTRACT.md "Trust and quarantine"): an operator override wins;
// otherwise the weighted formula, except that strict mode gives a source no verified manifest covers a fixed low score.
import { sql, type ReadDb } from '../db/sql.js';
import { isoFromMs } from '../clock.js';
import { manifestCovering } from '../manifests/store.js';
import type { NodeDeps } from '../server/deps.js';
import { readLeaf } from '../transparency/store.js';
import { keyMatchesSource } from './prefix.js';
import { bestOverride, type TrustOverrideRow } from './store.js';

/** What strict mode gives a source that no verified manifest held here covers (the tutorial's `t=0.15`). */
export const STRICT_UNVERIFIED_SCORE = 0.15;
const PEER_HISTORY_WINDOW_MS = 30 * 24 * 3_600_000;
/** Peer history looks at the latest facts of a source, at most this many (enough for every band of the formula). */
const PEER_HISTORY_SAMPLE = 100;
/** This node has no source-attestation plugin, so the attestation part stays at the reference's base value. */
const ATTESTATION_MODE_PART = 0.2;

export type TrustVia = 'federation' | 'token';
export type TrustOrigin = 'override' | 'computed' | 'strict_unverified';

export interface TrustParts {
  identity: number;
  peer_history: number;
  scope_authority: number;
  attestation_mode: number;
}

export interface TrustScore {
  source: string;
  /** The score routing and recall use. */
  score: number;
  origin: TrustOrigin;
  /** The formula's value (shown even when an override or strict mode decides). */
  computed: number;
  parts: TrustParts;
  /** Covered by a verified manifest held here (the source is its entity_uri or one of its entities). */
  isVerified: boolean;
  override: TrustOverrideRow | null;
}

export interface TrustInput {
  source: string;
  /** The fact's scope; empty when unknown (scope authority then counts as the lowest band). */
  scope: string;
  via: TrustVia;
}

type TrustDeps = Pick<NodeDeps, 'db' | 'config' | 'clock'>;

/** Scores print with at most six decimals, so 0.35·0.1 + … reads 0.255, not 0.25500000000000006. */
export const roundScore = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;

function identityPart(db: ReadDb, source: string, via: TrustVia, nowMs: number): { value: number; isVerified: boolean } {
  const manifest = manifestCovering(db, source, nowMs);
  if (manifest) return { value: readLeaf(db, manifest.log_index) ? 1.0 : 0.7, isVerified: true };
  // A capability-token write proved its subject's grant; the reference scores that identity 0.5.
  if (via === 'token') return { value: 0.5, isVerified: false };
  return { value: source.includes('://') || source.startsWith('stigmem:') ? 0.1 : 0.0, isVerified: false };
}

/** Peer history moves slowly, so it is remembered per source for a minute (the reference caches whole scores as long). */
const PEER_HISTORY_TTL_MS = 60_000;
const MAX_REMEMBERED_SOURCES = 10_000;
const peerHistoryMemo = new WeakMap<ReadDb, Map<string, { value: number; atMs: number }>>();

function rememberedPeerHistory(db: ReadDb, source: string, nowMs: number): number {
  let memo = peerHistoryMemo.get(db);
  if (!memo) peerHistoryMemo.set(db, (memo = new Map()));
  const hit = memo.get(source);
  if (hit && nowMs - hit.atMs >= 0 && nowMs - hit.atMs < PEER_HISTORY_TTL_MS) return hit.value;
  const value = peerHistoryPart(db, source, nowMs);
  if (memo.size >= MAX_REMEMBERED_SOURCES) memo.clear();
  memo.set(source, { value, atMs: nowMs });
  return value;
}

/** Failures are facts whose attestation failed (attested = 0), as the reference counts them. */
function peerHistoryPart(db: ReadDb, source: string, nowMs: number): number {
  const row = db.get<{ n: number; failures: number | null }>(sql`SELECT COUNT(*) AS n, SUM(attested = 0) AS failures FROM
    (SELECT attested FROM facts WHERE source = ${source} AND timestamp >= ${isoFromMs(nowMs - PEER_HISTORY_WINDOW_MS)}
     ORDER BY seq DESC LIMIT ${PEER_HISTORY_SAMPLE})`);
  const n = row?.n ?? 0;
  const failures = row?.failures ?? 0;
  if (n < 10) return 0.5;
  if (n >= PEER_HISTORY_SAMPLE && failures === 0) return 1.0;
  return failures / n >= 0.05 ? 0.3 : 0.7;
}

function scopeAuthorityPart(nodeUrl: string, source: string, scope: string): number {
  if (keyMatchesSource(`stigmem://${new URL(nodeUrl).host.toLowerCase()}`, source)) return 0.7;
  return scope === 'public' || scope === 'team' ? 0.5 : 0.2;
}

export function scoreSource(deps: TrustDeps, input: TrustInput): TrustScore {
  const nowMs = deps.clock.nowMs();
  const identity = identityPart(deps.db, input.source, input.via, nowMs);
  const parts: TrustParts = {
    identity: identity.value,
    peer_history: rememberedPeerHistory(deps.db, input.source, nowMs),
    scope_authority: scopeAuthorityPart(deps.config.nodeUrl, input.source, input.scope),
    attestation_mode: ATTESTATION_MODE_PART,
  };
  const w = deps.config.trustWeights;
  // clamp₀¹: weights are each in [0, 1] but an operator's need not sum to 1.
  const computed = roundScore(Math.min(1, Math.max(0,
    w.identity * parts.identity + w.peer_history * parts.peer_history + w.scope_authority * parts.scope_authority + w.attestation_mode * parts.attestation_mode,
  )));
  const override = bestOverride(deps.db, input.source) ?? null;
  const base = { source: input.source, computed, parts, isVerified: identity.isVerified, override };
  if (override) return { ...base, score: override.score, origin: 'override' };
  if (deps.config.trustMode === 'strict' && !identity.isVerified) return { ...base, score: STRICT_UNVERIFIED_SCORE, origin: 'strict_unverified' };
  return { ...base, score: computed, origin: 'computed' };
}
