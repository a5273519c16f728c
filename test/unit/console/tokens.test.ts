// The Tokens screen's operations: issuing under the published manifest (the token verifies), listing, revoking with a
// published reason (the token stops verifying), refusals in the node's words, strict arguments.
import { describe, expect, it } from 'vitest';
import { operationsOn, valueOf } from './helpers.js';
import { validateIssueToken, validateRevokeToken, type IssuedToken, type IssuedTokenResult, type RevokedToken } from '../../../src/shared/tokens.js';
import { BOT_B, ORG_A, orgNodesClosedAfterEach, type OrgNode } from '../tokens/helpers.js';

const orgNode = orgNodesClosedAfterEach();
let n: OrgNode;

const op = operationsOn(() => n.deps);
const value = valueOf;
const GRANT = { subject: BOT_B, verb: 'write', object: `${ORG_A}/scope/shared`, ttlSeconds: 86_400 };

describe('token operation arguments', () => {
  it('take a subject, verb, object and a validity of at most 90 days; a revocation needs a reason', () => {
    expect(validateIssueToken({ ...GRANT, subject: ` ${BOT_B} ` })).toEqual({ ok: true, value: GRANT });
    expect(validateRevokeToken({ tokenId: 't1', reason: ' leaked ' })).toEqual({ ok: true, value: { tokenId: 't1', reason: 'leaked' } });
    const hostile: unknown[] = [
      null, {}, { ...GRANT, subject: '' }, { ...GRANT, verb: 7 }, { ...GRANT, object: 'a\u0000b' }, { ...GRANT, ttlSeconds: 0 }, { ...GRANT, ttlSeconds: 90 * 86_400 + 1 }, { ...GRANT, ttlSeconds: 1.5 },
      { ...GRANT, ttlSeconds: '3600' }, { subject: BOT_B, verb: 'write', object: 'x' }, { ...GRANT, issuer: '' }, { ...GRANT, nonce: 'mine' }, { ...GRANT, object: 'o'.repeat(2049) },
    ];
    for (const arg of hostile) expect(validateIssueToken(arg).ok, JSON.stringify(arg)?.slice(0, 60)).toBe(false);
    for (const arg of [{ tokenId: 't1' }, { tokenId: 't1', reason: '  ' }, { tokenId: '', reason: 'x' }, { tokenId: 't1', reason: 'r'.repeat(1025) }, { tokenId: 't1', reason: 'x', at: 1 }]) {
      expect(validateRevokeToken(arg).ok).toBe(false);
    }
  });
});

describe('token operations', () => {
  it('refuse to issue before the manifest is published, in the node\'s words', async () => {
    n = await orgNode(ORG_A, 3, { publish: false });
    expect(await op('tokens:issue', GRANT)).toMatchObject({ ok: false, error: { code: 'issuer_manifest_missing' } });
    expect(await op('tokens:list')).toEqual({ ok: true, value: [] });
  });

  it('issue a token that verifies, list it, and revoke it with a reason so it no longer verifies', async () => {
    n = await orgNode(ORG_A, 4);
    const issued = value(await op<IssuedTokenResult>('tokens:issue', GRANT));
    expect(issued.token).toMatchObject({ issuer: ORG_A, subject: BOT_B, verb: 'write', object: GRANT.object, status: 'active', revokedAt: null, issuedBy: ORG_A });
    expect((await n.req('POST', '/v1/federation/capability-tokens/verify', { token_json: issued.tokenJson }, false)).body).toEqual({ valid: true });
    expect(value(await op<IssuedToken[]>('tokens:list'))).toEqual([issued.token]);

    const revoked = value(await op<RevokedToken>('tokens:revoke', { tokenId: issued.token.tokenId, reason: 'bot decommissioned' }));
    expect(revoked.tokenId).toBe(issued.token.tokenId);
    expect(value(await op<IssuedToken[]>('tokens:list'))[0]).toMatchObject({ status: 'revoked', revokeReason: 'bot decommissioned', revokedAt: revoked.revokedAt });
    expect((await n.req('POST', '/v1/federation/capability-tokens/verify', { token_json: issued.tokenJson }, false)).body).toMatchObject({ valid: false });
    expect(await op('tokens:revoke', { tokenId: issued.token.tokenId, reason: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await op('tokens:revoke', { tokenId: 'no-such-token', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
