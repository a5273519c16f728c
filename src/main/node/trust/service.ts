// What the trust routes and the Trust screen both do: score a source as a fact from it would be scored now, list the
// overrides and recently seen sources, and set or remove an operator override (audited alike from either door).
import { recordAudit } from '../audit/log.js';
import { isoFromMs } from '../clock.js';
import { notFound, unprocessable } from '../errors.js';
import type { NodeDeps } from '../server/deps.js';
import { MAX_SOURCE_KEY_CHARS, normaliseSourceKey } from './prefix.js';
import { scoreSource, type TrustScore, type TrustVia } from './score.js';
import { deleteOverride, getOverride, listOverrides, putOverride, recentSources, seenSource, type SeenSourceRow, type TrustOverrideRow } from './store.js';

export const BAD_SOURCE = `source must be a source URI or a prefix of one (1 to ${MAX_SOURCE_KEY_CHARS} characters, no control characters)`;

export interface SourceScore extends TrustScore {
  scope: string | null;
  isBelowThreshold: boolean;
  lastSeenAt: string | null;
  factsSeen: number;
}

export function sourceKey(raw: string): string {
  const key = normaliseSourceKey(raw);
  if (key === null) throw unprocessable(BAD_SOURCE, 'invalid_source');
  return key;
}

export function scoreOf(deps: NodeDeps, source: string, seen: SeenSourceRow | undefined, ask: { scope?: string; via?: TrustVia } = {}): SourceScore {
  const scope = ask.scope ?? seen?.scope ?? '';
  const t = scoreSource(deps, { source, scope, via: ask.via ?? seen?.via ?? 'federation' });
  return {
    ...t, scope: scope === '' ? null : scope, isBelowThreshold: deps.config.trustMode !== 'off' && t.score < deps.config.quarantineThreshold,
    lastSeenAt: seen?.last_seen_at ?? null, factsSeen: seen?.facts_seen ?? 0,
  };
}

/** Every override (sources and prefixes), then the most recently seen sources that have none. */
export function listedScores(deps: NodeDeps, limit: number): SourceScore[] {
  const seen = recentSources(deps.db, limit);
  const seenBySource = new Map(seen.map((s) => [s.source, s]));
  const overrides = listOverrides(deps.db);
  const keys = [...overrides.map((o) => o.source), ...seen.map((s) => s.source).filter((s) => !overrides.some((o) => o.source === s))];
  return keys.map((k) => scoreOf(deps, k, seenBySource.get(k) ?? seenSource(deps.db, k)));
}

export function setOverride(deps: NodeDeps, raw: string, score: number, note: string | null, actor: string): TrustOverrideRow {
  const key = sourceKey(raw);
  const nowMs = deps.clock.nowMs();
  const row: TrustOverrideRow = { source: key, score, note, set_by: actor, set_at: isoFromMs(nowMs) };
  deps.db.transaction(() => {
    const before = getOverride(deps.db, key);
    putOverride(deps.db, row);
    recordAudit(deps.db, { category: 'admin', eventType: 'trust_override_set', actor, subject: key, detail: { score: row.score, previous: before?.score ?? null } }, nowMs);
  });
  return row;
}

export function removeOverride(deps: NodeDeps, raw: string, actor: string): void {
  const key = sourceKey(raw);
  const nowMs = deps.clock.nowMs();
  deps.db.transaction(() => {
    const before = getOverride(deps.db, key);
    if (!before || !deleteOverride(deps.db, key)) throw notFound('no trust-score override for this source', 'override_not_found');
    recordAudit(deps.db, { category: 'admin', eventType: 'trust_override_removed', actor, subject: key, detail: { score: before.score } }, nowMs);
  });
}
