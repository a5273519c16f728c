// Attestation chains on fact records and GET /v1/facts/{id}/provenance.
import { describe, expect, it } from 'vitest';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { parseJson } from '../../../src/main/node/json/parse.js';
import { receiptText, signedFactText } from '../../../src/main/node/provenance/attestation.js';
import { BOT_B, holdManifest, issue, ORG_A, ORG_B, type OrgNode, orgNodesClosedAfterEach, tutorialFact, tutorialGrant } from '../tokens/helpers.js';

const node = orgNodesClosedAfterEach();

/** Org B's attestation of a fact body given as JSON text (parsed as the node will parse it). */
function attest(b: OrgNode, bodyText: string): { signer: string; key_id: string; signature: string } {
  const parsed = parseJson(bodyText) as Parameters<typeof signedFactText>[0];
  return { signer: ORG_B, key_id: b.key.keyId, signature: b.key.signB64(Buffer.from(signedFactText(parsed), 'utf8')) };
}

async function twoOrgs(): Promise<{ a: OrgNode; b: OrgNode; token: string }> {
  const a = await node(ORG_A, 1);
  const b = await node(ORG_B, 2, { clock: a.clock, entities: [ORG_B] });
  holdManifest(a, b.key, ORG_B, a.clock.nowMs(), { entities: [ORG_B] });
  return { a, b, token: (await issue(a, tutorialGrant)).token_json };
}

describe('the signed body', () => {
  it('is the JCS flavour of the seven fields as sent, defaults filled in, confidence a float, numbers as Python reads them', () => {
    const text = signedFactText(parseJson('{"entity":"E","relation":"r:x","value":{"type":"number","v":42.50},"source":"S","confidence":1}') as never);
    expect(text).toBe('{"confidence":1.0,"entity":"E","relation":"r:x","scope":"local","source":"S","valid_until":null,"value":{"interpret_as":"content","type":"number","v":42.5}}');
    const int = signedFactText(parseJson('{"entity":"E","relation":"r","value":{"type":"number","v":42},"source":"S","scope":"team","valid_until":"2027-01-01T00:00:00Z"}') as never);
    expect(int).toBe('{"confidence":1.0,"entity":"E","relation":"r","scope":"team","source":"S","valid_until":"2027-01-01T00:00:00Z","value":{"interpret_as":"content","type":"number","v":42}}');
    expect(receiptText(text, '1767225600000.000', 'id-1')).toBe(
      '{"confidence":1.0,"entity":"E","hlc":"1767225600000.000","id":"id-1","relation":"r:x","scope":"local","source":"S","valid_until":null,"value":{"interpret_as":"content","type":"number","v":42.5}}',
    );
  });
});

describe('attestation_chain', () => {
  it('starts with the writer org\'s signature and ends with this node\'s receipt; both verify in the provenance report', async () => {
    const { a, b, token } = await twoOrgs();
    const body = JSON.stringify(tutorialFact);
    const attestation = attest(b, body);
    const res = await a.req('POST', '/v1/facts', `${body.slice(0, -1)},"attestation":${JSON.stringify(attestation)}}`, token);
    expect(res.status).toBe(201);
    const chain: string[] = res.body.attestation_chain;
    expect(chain).toHaveLength(2);
    expect(chain[0]).toBe(attestation.signature);
    expect(res.body.attested_key_id).toBe(b.key.keyId);
    const receipt = receiptText(signedFactText(tutorialFact), res.body.hlc, res.body.id);
    expect(verifyB64(a.key.publicKey, Buffer.from(receipt), chain[1]!)).toBe(true);

    expect((await a.req('GET', `/v1/facts/${res.body.id}`)).body.attestation_chain).toEqual(chain);
    const listed = await a.req('GET', '/v1/facts?scope=company');
    expect(listed.body.facts.find((f: { id: string }) => f.id === res.body.id)?.attestation_chain).toEqual(chain);

    const prov = await a.req('GET', `/v1/facts/${res.body.id}/provenance`);
    expect(prov.status).toBe(200);
    expect(prov.body).toMatchObject({
      fact_id: res.body.id, cid_valid: true, received_via: 'token', written_by: BOT_B, chain_verified: true, signed_body_matches_fact: true,
      attestation_chain: chain,
      capability_token: { issuer: ORG_A, subject: BOT_B, verb: 'write', object: tutorialGrant.object, valid_now: true, reason: null },
      receiving_peer: { received_from: BOT_B, origin_node_id: null, peer: null },
      decisions: [],
    });
    expect(prov.body.attestations).toEqual([
      { role: 'writer', signer: ORG_B, key_id: b.key.keyId, signature: chain[0], verified: true, verified_with: 'manifest_key', detail: null },
      { role: 'receipt', signer: ORG_A, key_id: a.key.keyId, signature: chain[1], verified: true, verified_with: 'manifest_key', detail: null },
    ]);
    expect(prov.body.signed_body).toEqual({ ...tutorialFact, value: { ...tutorialFact.value, interpret_as: 'content' }, valid_until: null });

    // A stored fact edited behind the node's back no longer matches what was signed.
    a.deps.db.run(sql`UPDATE facts SET value_v = 'retired' WHERE id = ${res.body.id}`);
    expect((await a.req('GET', `/v1/facts/${res.body.id}/provenance`)).body).toMatchObject({ cid_valid: false, signed_body_matches_fact: false, chain_verified: false });
    a.deps.db.run(sql`UPDATE facts SET value_v = 'active' WHERE id = ${res.body.id}`);

    // Once the token is revoked the report says so; the chain itself still verifies.
    const id = JSON.parse(token).token_id as string;
    await a.req('POST', `/v1/federation/capability-tokens/${id}/revoke`, {});
    expect((await a.req('GET', `/v1/facts/${res.body.id}/provenance`)).body).toMatchObject({ chain_verified: true, capability_token: { valid_now: false, reason: 'revoked' } });
  });

  it('accepts a writer that signed the value exactly as sent, without the default interpret_as', async () => {
    const { a, b, token } = await twoOrgs();
    const plain = '{"confidence":0.85,"entity":"stigmem://org-a.example/project/atlas","relation":"memory:status","scope":"company",' +
      '"source":"stigmem://org-b.example/agent/bot","valid_until":null,"value":{"type":"string","v":"active"}}';
    const attestation = { signer: ORG_B, key_id: b.key.keyId, signature: b.key.signB64(Buffer.from(plain)) };
    const res = await a.req('POST', '/v1/facts', { ...tutorialFact, attestation }, token);
    expect(res.status).toBe(201);
    const prov = await a.req('GET', `/v1/facts/${res.body.id}/provenance`);
    expect(prov.body).toMatchObject({ chain_verified: true, signed_body: { value: { type: 'string', v: 'active' } } });
    expect(prov.body.signed_body.value).not.toHaveProperty('interpret_as');
  });

  it('refuses a write whose attestation does not verify, or whose signer has no manifest here (400, nothing stored)', async () => {
    const { a, b, token } = await twoOrgs();
    const body = JSON.stringify(tutorialFact);
    const other = attest(b, JSON.stringify({ ...tutorialFact, confidence: 0.9 }));
    const bad = await a.req('POST', '/v1/facts', { ...tutorialFact, attestation: other }, token);
    expect(bad).toMatchObject({ status: 400, body: { detail: 'attestation signature verification failed' } });
    const unknown = await a.req('POST', '/v1/facts', { ...tutorialFact, attestation: { ...attest(b, body), signer: 'stigmem://org-z.example' } }, token);
    expect(unknown).toMatchObject({ status: 400, body: { code: 'attestation_signer_unknown' } });
    const junk = await a.req('POST', '/v1/facts', { ...tutorialFact, attestation: { ...attest(b, body), signature: 'not-a-signature' } }, token);
    expect(junk.status).toBe(400);
    expect((await a.req('GET', '/v1/facts?scope=company')).body.facts).toEqual([]);
  });

  it('accepts the reference\'s key-id-only form against a manifest held here, over the JCS body or the reference text', async () => {
    const { a, b } = await twoOrgs();
    const fact = { ...tutorialFact, source: 'stigmem://org-a.example/agent/assistant' };
    const legacy = `${fact.entity}\n${fact.relation}\nstring\nactive\n${fact.source}`;
    const res = await a.req('POST', '/v1/facts', { ...fact, attestation: { key_id: b.key.keyId, signature: b.key.signB64(Buffer.from(legacy)) } });
    expect(res.status).toBe(201);
    const prov = await a.req('GET', `/v1/facts/${res.body.id}/provenance`);
    expect(prov.body.attestations[0]).toMatchObject({ role: 'writer', signer: ORG_B, verified: true });
    expect(prov.body.received_via).toBe('api_key');
    const unknown = await a.req('POST', '/v1/facts', { ...fact, value: { type: 'string', v: 'x' }, attestation: { key_id: 'nope', signature: b.key.signB64(Buffer.from('x')) } });
    expect(unknown).toMatchObject({ status: 400, body: { detail: "attestation.key_id 'nope' not found" } });
  });

  it('gives API-key writes a receipt only; without a manifest of its own the receipt is reported as unvouched', async () => {
    const a = await node(ORG_A, 1, { publish: false });
    const res = await a.req('POST', '/v1/facts', { entity: 'stigmem://org-a.example/user/alice', relation: 'memory:role', value: { type: 'string', v: 'engineer' }, source: 'stigmem://org-a.example/agent/x' });
    expect(res.body.attestation_chain).toHaveLength(1);
    const prov = await a.req('GET', `/v1/facts/${res.body.id}/provenance`);
    expect(prov.body).toMatchObject({ received_via: 'api_key', capability_token: null, chain_verified: false });
    expect(prov.body.attestations).toMatchObject([{ role: 'receipt', verified: false, verified_with: 'recorded_key' }]);
  });
});

describe('GET /v1/facts/{id}/provenance', () => {
  it('is 404 for an unknown fact, 400 for a malformed CID, 401 without credentials, 403 outside the fact\'s garden', async () => {
    const a = await node(ORG_A, 1);
    expect((await a.req('GET', '/v1/facts/00000000-0000-0000-0000-000000000000/provenance')).status).toBe(404);
    expect((await a.req('GET', '/v1/facts/sha256:xyz/provenance')).status).toBe(400);
    await a.req('POST', '/v1/gardens', { slug: 'hr', name: 'HR', scope: 'company' });
    const fact = await a.req('POST', '/v1/facts', { ...tutorialFact, source: 'stigmem://org-a.example/agent/x', garden_id: 'hr' });
    expect((await a.req('GET', `/v1/facts/${fact.body.id}/provenance`, undefined, false)).status).toBe(401);
    const rawKey = 'reader-key-0123456789abcdef-0123456789';
    await a.req('POST', '/v1/auth/keys', { raw_key: rawKey, entity_uri: 'stigmem://org-a.example/user/bob', permissions: ['read'] });
    expect((await a.req('GET', `/v1/facts/${fact.body.id}/provenance`, undefined, rawKey)).status).toBe(403);
    const byCid = await a.req('GET', `/v1/facts/${fact.body.cid}/provenance`);
    expect(byCid.body.fact_id).toBe(fact.body.id);
  });
});
