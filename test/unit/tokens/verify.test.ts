// Token verification on the issuer and on a node that only holds the issuer's manifest: every failure reason.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../src/main/node/clock.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import type { Signer } from '../../../src/main/node/identity/signer.js';
import { tokenJsonOf, tokenSigningBytes, type SignedToken } from '../../../src/main/node/tokens/format.js';
import { ingestRevocations, revocationPage } from '../../../src/main/node/tokens/revocations.js';
import { verifyCapabilityToken } from '../../../src/main/node/tokens/verify.js';
import { manifestCovering } from '../../../src/main/node/manifests/store.js';
import { BOT_B, holdManifest, issue, keyFrom, ORG_A, ORG_B, type OrgNode, orgNodesClosedAfterEach, tutorialGrant } from './helpers.js';

const node = orgNodesClosedAfterEach();

/** A token in the reference format signed by `key`, for tokens the issuing node's route would not produce. */
function forgeToken(key: Signer, nowMs: number, over: Partial<SignedToken> = {}): string {
  const body = {
    expiry: isoFromMs(nowMs + 3600_000), issued_at: isoFromMs(nowMs), issuer: ORG_A, nonce: randomBytes(32).toString('hex'),
    object: 'stigmem://facts', subject: BOT_B, token_id: randomUUID(), token_version: 1, verb: 'write', ...over,
  };
  const { signature: _s, ...unsigned } = body as SignedToken;
  return tokenJsonOf({ ...unsigned, signature: over.signature ?? key.signB64(tokenSigningBytes(unsigned)) });
}

const verify = (n: OrgNode, token: unknown) => verifyCapabilityToken(n.deps, token);

describe('verification on the issuer', () => {
  it('accepts the token it issued, as text or as an object, with a subject outside its entities', async () => {
    const a = await node(ORG_A, 1);
    const { token_json } = await issue(a, tutorialGrant);
    expect(verify(a, token_json)).toMatchObject({ valid: true, verified: { keyKind: 'current' } });
    expect(verify(a, JSON.parse(token_json))).toMatchObject({ valid: true });
  });

  it('expired: after its expiry, and when issued already expired', async () => {
    const a = await node(ORG_A, 1);
    const { token_json } = await issue(a, { ...tutorialGrant, ttl_seconds: 60 });
    a.clock.advance(60_000);
    expect(verify(a, token_json)).toMatchObject({ valid: false, reason: 'expired' });
    expect(verify(a, forgeToken(a.key, a.clock.nowMs(), { expiry: '1970-01-01T00:00:00+00:00' }))).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('revoked: once its issuer revoked it, before and after its expiry', async () => {
    const a = await node(ORG_A, 1);
    const { token_id, token_json } = await issue(a, { ...tutorialGrant, ttl_seconds: 120 });
    expect((await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, {})).status).toBe(200);
    expect(verify(a, token_json)).toMatchObject({ valid: false, reason: 'revoked' });
    a.clock.advance(600_000);
    expect(verify(a, token_json)).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('bad_signature: one flipped bit, another key, a signature that is not 64 bytes, a changed field', async () => {
    const a = await node(ORG_A, 1);
    const { token_json } = await issue(a, tutorialGrant);
    const t = JSON.parse(token_json) as SignedToken;
    const sig = Buffer.from(t.signature, 'base64url');
    sig[10] = sig[10]! ^ 0x04;
    expect(verify(a, { ...t, signature: sig.toString('base64url') })).toMatchObject({ valid: false, reason: 'bad_signature' });
    expect(verify(a, forgeToken(keyFrom(9), a.clock.nowMs()))).toMatchObject({ valid: false, reason: 'bad_signature' });
    expect(verify(a, { ...t, signature: 'AAAA' })).toMatchObject({ valid: false, reason: 'bad_signature' });
    expect(verify(a, { ...t, verb: 'admin' })).toMatchObject({ valid: false, reason: 'bad_signature' });
    expect(verify(a, { ...t, object: 'stigmem://facts' })).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('unknown_issuer: an issuer with no manifest held here, or whose manifest has expired', async () => {
    const a = await node(ORG_A, 1);
    expect(verify(a, forgeToken(keyFrom(9), a.clock.nowMs(), { issuer: 'stigmem://nobody.example' }))).toMatchObject({ valid: false, reason: 'unknown_issuer' });
    const { token_json } = await issue(a, { ...tutorialGrant, ttl_seconds: 7_776_000 });
    a.clock.advance(301 * 86_400_000);
    expect(verify(a, token_json)).toMatchObject({ valid: false, reason: 'unknown_issuer' });
  });

  it('malformed and unsupported_version', async () => {
    const a = await node(ORG_A, 1);
    expect(verify(a, 'not json')).toMatchObject({ valid: false, reason: 'malformed' });
    expect(verify(a, '{"entity_uri":"https://evil.example.org","capabilities":["write"],"exp":9999999999}')).toMatchObject({ valid: false, reason: 'malformed' });
    const { token_json } = await issue(a, tutorialGrant);
    expect(verify(a, { ...JSON.parse(token_json), token_version: 2 })).toMatchObject({ valid: false, reason: 'unsupported_version' });
    expect(verify(a, { ...JSON.parse(token_json), nbf: 9999999999 })).toMatchObject({ valid: false, reason: 'malformed' });
  });
});

describe('verification on a node that holds the issuer\'s manifest', () => {
  it('accepts the issuer\'s token and refuses it once the revocation published by the issuer is ingested', async () => {
    const a = await node(ORG_A, 1);
    const b = await node(ORG_B, 2, { clock: a.clock });
    expect(verify(b, (await issue(a, tutorialGrant)).token_json)).toMatchObject({ valid: false, reason: 'unknown_issuer' });
    holdManifest(b, a.key, ORG_A, a.clock.nowMs());
    const { token_id, token_json } = await issue(a, tutorialGrant);
    expect(verify(b, token_json)).toMatchObject({ valid: true });
    await a.req('POST', `/v1/federation/capability-tokens/${token_id}/revoke`, { reason: 'done' });
    const page = revocationPage(a.deps, 0);
    const manifest = manifestCovering(b.deps.db, ORG_A, b.clock.nowMs())!;
    expect(b.deps.db.transaction(() => ingestRevocations(b.deps, manifest, page.revocations, 'http://a', null))).toBe(1);
    expect(verify(b, token_json)).toMatchObject({ valid: false, reason: 'revoked' });
    // Replaying the same page changes nothing.
    expect(b.deps.db.transaction(() => ingestRevocations(b.deps, manifest, page.revocations, 'http://a', null))).toBe(0);
  });

  it('ignores revocations not signed by the issuer\'s key', async () => {
    const a = await node(ORG_A, 1);
    const b = await node(ORG_B, 2, { clock: a.clock });
    holdManifest(b, a.key, ORG_A, a.clock.nowMs());
    const { token_id, token_json } = await issue(a, tutorialGrant);
    const event = { reason: 'forged', revoked_at: isoFromMs(a.clock.nowMs()), revoked_by: ORG_A, token_id };
    const forged = { ...event, signature: keyFrom(7).signB64(canonicalJcsBytes(event)), log_index: 5 };
    const manifest = manifestCovering(b.deps.db, ORG_A, b.clock.nowMs())!;
    expect(b.deps.db.transaction(() => ingestRevocations(b.deps, manifest, [forged, 'junk', { token_id }], 'http://a', null))).toBe(0);
    expect(verify(b, token_json)).toMatchObject({ valid: true });
  });

  it('accepts a token signed by a rotated-away key for 90 days after the rotation, then refuses it', async () => {
    const b = await node(ORG_B, 2);
    const oldKey = keyFrom(1);
    const newKey = keyFrom(3);
    const nowMs = b.clock.nowMs();
    const four = { new_key_id: newKey.keyId, new_public_key: newKey.publicKey, previous_key_id: oldKey.keyId, rotated_at: isoFromMs(nowMs - 86_400_000) };
    const event = { ...four, signature: oldKey.signB64(canonicalJcsBytes(four)), previous_public_key: oldKey.publicKey };
    holdManifest(b, newKey, ORG_A, nowMs, { rotation_events: [event] });
    const underOldKey = forgeToken(oldKey, nowMs, { expiry: isoFromMs(nowMs + 200 * 86_400_000) });
    expect(verify(b, underOldKey)).toMatchObject({ valid: true, verified: { keyKind: 'previous' } });
    expect(verify(b, forgeToken(newKey, nowMs))).toMatchObject({ valid: true, verified: { keyKind: 'current' } });
    b.clock.advance(90 * 86_400_000);
    expect(verify(b, underOldKey)).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('never throws, whatever it is given', async () => {
    const a = await node(ORG_A, 1);
    for (const input of [null, undefined, 0, true, [], {}, '', '{}', '{"token_version":1}', '\u0000', '['.repeat(5000), { token_version: 1, issuer: {} }]) {
      expect(() => verify(a, input)).not.toThrow();
      expect(verify(a, input).valid).toBe(false);
    }
  });
});
