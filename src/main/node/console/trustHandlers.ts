// The Trust screen's operations: the same scoring and overrides as /v1/federation/trust-scores, acting as the org's
// admin, with plain numbers for the screen.
import type { TrustedSource } from '../../../shared/trust.js';
import { ok } from '../../../shared/result.js';
import type { NodeDeps } from '../server/deps.js';
import { listedScores, removeOverride, scoreOf, setOverride, sourceKey, type SourceScore } from '../trust/service.js';
import { seenSource } from '../trust/store.js';
import { refusalsAsEnvelopes } from './refusals.js';
import { withValidArgument } from './validArgument.js';

const LISTED = 200;

function toTrustedSource(t: SourceScore): TrustedSource {
  const o = t.override;
  return {
    source: t.source, score: t.score, origin: t.origin, computedScore: t.computed, parts: { ...t.parts }, isVerified: t.isVerified, isBelowThreshold: t.isBelowThreshold,
    override: o ? { source: o.source, score: o.score, note: o.note, setBy: o.set_by, setAt: o.set_at } : null, lastSeenAt: t.lastSeenAt, factsSeen: t.factsSeen,
  };
}

/** The source as it scores now, after a change to it. */
function rescored(deps: NodeDeps, raw: string): TrustedSource {
  const key = sourceKey(raw);
  return toTrustedSource(scoreOf(deps, key, seenSource(deps.db, key)));
}

export const TRUST_HANDLERS = {
  'trust:list': withValidArgument('trust:list', (deps) =>
    ok({
      settings: { mode: deps.config.trustMode, threshold: deps.config.quarantineThreshold, weights: { ...deps.config.trustWeights } },
      sources: listedScores(deps, LISTED).map(toTrustedSource),
    }),
  ),
  'trust:set': withValidArgument('trust:set', (deps, args) => {
    return refusalsAsEnvelopes(() => {
      setOverride(deps, args.source, args.score, args.note ?? null, deps.orgEntityUri);
      return rescored(deps, args.source);
    });
  }),
  'trust:clear': withValidArgument('trust:clear', (deps, args) => {
    return refusalsAsEnvelopes(() => {
      removeOverride(deps, args.source, deps.orgEntityUri);
      return rescored(deps, args.source);
    });
  }),
};
