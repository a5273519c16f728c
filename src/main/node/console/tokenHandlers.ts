// The Tokens screen's operations: the same issuing, listing and revocation as /v1/federation/capability-tokens,
// acting as the org's admin; a refusal keeps the node's code and words (`issuer_manifest_missing`, …).
import { ok } from '../../../shared/result.js';
import type { IssuedToken } from '../../../shared/tokens.js';
import { issueToken, listTokens, type IssuedTokenView } from '../tokens/issue.js';
import { revokeToken } from '../tokens/revocations.js';
import { refusalsAsEnvelopes } from './refusals.js';
import { withValidArgument } from './validArgument.js';

const LISTED = 200;

function toIssuedToken(t: IssuedTokenView): IssuedToken {
  return {
    tokenId: t.token_id, issuer: t.issuer, subject: t.subject, verb: t.verb, object: t.object, issuedAt: t.issued_at, expiry: t.expiry, status: t.status,
    revokedAt: t.revoked_at, revokeReason: t.revoke_reason, issuedBy: t.issued_by,
  };
}

export const TOKEN_HANDLERS = {
  'tokens:list': withValidArgument('tokens:list', (deps) => ok(listTokens(deps, { limit: LISTED }).tokens.map(toIssuedToken))),
  'tokens:issue': withValidArgument('tokens:issue', (deps, args) =>
    refusalsAsEnvelopes(() => {
      const body = { issuer: args.issuer ?? deps.orgEntityUri, subject: args.subject, verb: args.verb, object: args.object, ttl_seconds: args.ttlSeconds };
      const issued = issueToken(deps, body, deps.orgEntityUri);
      // Just issued, for at least a second: active, not revoked.
      const token = toIssuedToken({ ...issued, status: 'active', revoked_at: null, revoke_reason: null, issued_by: deps.orgEntityUri });
      return { token, tokenJson: issued.token_json };
    }),
  ),
  'tokens:revoke': withValidArgument('tokens:revoke', (deps, args) =>
    refusalsAsEnvelopes(() => {
      const r = revokeToken(deps, args.tokenId, { reason: args.reason }, deps.orgEntityUri);
      return { tokenId: r.token_id, revokedAt: r.revoked_at };
    }),
  ),
};
