// An organisation vouches only for its own names: a manifest that lists another organisation's entities lets its key
// neither issue nor sign tokens in that organisation's name, nor raise the trust of that organisation's sources.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { verifyPeerManifest } from '../../../src/main/node/federation/peerManifest.js';
import { holdManifest, orgNodesClosedAfterEach, signedManifest } from './helpers.js';

const orgNode = orgNodesClosedAfterEach();
const ORG_H = 'stigmem://org-h.example';
const VICTIM = 'stigmem://victim.example';
const CEO = `${VICTIM}/agent/ceo`;

describe('a manifest listing another organisation\'s entities', () => {
  it('lets its key neither issue nor sign a token that verifies in that organisation\'s name', async () => {
    const entities = [ORG_H, `${ORG_H}/agent/a`, VICTIM, CEO];
    const h = await orgNode(ORG_H, 7, { entities });
    const n = await orgNode('stigmem://org-n.example', 8, { env: { STIGMEM_TRUST_MODE: 'strict' } });
    holdManifest(n, h.key, ORG_H, n.clock.nowMs(), { entities });

    const issued = await h.req('POST', '/v1/federation/capability-tokens', { issuer: VICTIM, subject: CEO, verb: 'write', object: 'stigmem://facts', ttl_seconds: 3600 });
    expect([issued.status, issued.body.code]).toEqual([403, 'issuer_not_owned']);

    const now = n.clock.nowMs();
    const fields = {
      expiry: new Date(now + 3_600_000).toISOString().replace('Z', '+00:00'), issued_at: new Date(now).toISOString().replace('Z', '+00:00'), issuer: VICTIM,
      nonce: randomBytes(32).toString('hex'), object: 'stigmem://facts', subject: CEO, token_id: randomUUID(), token_version: 1, verb: 'write',
    };
    const forged = JSON.stringify({ ...fields, signature: h.key.signB64(canonicalJcsBytes(fields)) });
    const verdict = await n.req('POST', '/v1/federation/capability-tokens/verify', { token_json: forged });
    expect(verdict.body).toEqual({ valid: false, reason: 'unknown_issuer' });
    const write = await n.req('POST', '/v1/facts', { entity: `${VICTIM}/deal`, relation: 'memory:status', value: { type: 'string', v: 'cancelled' }, source: CEO, confidence: 0.9, scope: 'public' }, forged);
    expect(write.status).toBe(401);

    // Registering the victim by its entity at H's URL would not take H's manifest as the victim's either.
    expect(() => verifyPeerManifest(signedManifest(h.key, ORG_H, now, { entities }), VICTIM, now, n.deps)).toThrow(`manifest does not cover ${VICTIM}`);
    expect(verifyPeerManifest(signedManifest(h.key, ORG_H, now, { entities }), `${ORG_H}/agent/a`, now, n.deps).manifest.entity_uri).toBe(ORG_H);

    // Its own names it still vouches for.
    const own = await h.req('POST', '/v1/federation/capability-tokens', { issuer: `${ORG_H}/agent/a`, subject: 'stigmem://org-n.example/agent/b', verb: 'write', object: 'stigmem://facts', ttl_seconds: 3600 });
    expect(own.status).toBe(201);
  });
});
