// The body `stigmem facts write` sends, and how it reads a token file; the signed body is what the receiver checks.
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/main/node/json/parse.js';
import { signedFactText } from '../../../src/main/node/provenance/attestation.js';
import { RemoteWriteError, signedFactBody, tokenFromFile, writeFactToPeer } from '../../../src/main/node/tokens/remoteWrite.js';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { BOT_B, holdManifest, issue, keyFrom, ORG_A, ORG_B, orgNode, tutorialGrant, type OrgNode } from './helpers.js';

const nodes: OrgNode[] = [];
afterEach(async () => {
  while (nodes.length) await nodes.pop()!.close();
});

const base = { entity: `${ORG_A}/project/atlas`, relation: 'memory:status', valueType: 'string', value: 'active', source: BOT_B, confidence: 0.85, scope: 'company' };

describe('tokenFromFile', () => {
  it('takes the token JSON, or the token_json of a saved issue response', () => {
    const token = '{"expiry":"x","token_version":1}';
    expect(tokenFromFile(`${token}\n`)).toBe(token);
    expect(tokenFromFile(JSON.stringify({ token_id: 't', token_json: token }, null, 2))).toBe(token);
    expect(() => tokenFromFile('not json')).toThrow(RemoteWriteError);
    expect(() => tokenFromFile('{"a":1}')).toThrow(RemoteWriteError);
  });
});

describe('signedFactBody', () => {
  it('signs the canonical body the receiver computes, numbers as their literals', () => {
    const key = keyFrom(2);
    for (const [valueType, value] of [['string', 'active'], ['number', '42.50'], ['number', '7'], ['boolean', 'false'], ['null', '']]) {
      const text = signedFactBody({ ...base, valueType: valueType!, value: value! }, key, ORG_B);
      const body = parseJson(text) as Parameters<typeof signedFactText>[0] & { attestation: { signer: string; key_id: string; signature: string } };
      expect(body.attestation).toMatchObject({ signer: ORG_B, key_id: key.keyId });
      expect(verifyB64(key.publicKey, Buffer.from(signedFactText(body)), body.attestation.signature)).toBe(true);
    }
    expect(signedFactBody({ ...base, valueType: 'number', value: '42.50' }, key, ORG_B)).toContain('"v":42.50');
  });

  it('refuses bad values before sending anything', () => {
    const key = keyFrom(2);
    expect(() => signedFactBody({ ...base, valueType: 'number', value: 'many' }, key, ORG_B)).toThrow('is not a number');
    expect(() => signedFactBody({ ...base, valueType: 'boolean', value: 'yes' }, key, ORG_B)).toThrow(RemoteWriteError);
    expect(() => signedFactBody({ ...base, valueType: 'blob' }, key, ORG_B)).toThrow(RemoteWriteError);
    expect(() => signedFactBody({ ...base, scope: 'galaxy' }, key, ORG_B)).toThrow(RemoteWriteError);
    expect(() => signedFactBody({ ...base, confidence: 2 }, key, ORG_B)).toThrow(RemoteWriteError);
  });
});

describe('writeFactToPeer', () => {
  it('writes under the token with Org B\'s signature first in the chain; an unreachable peer is a RemoteWriteError', async () => {
    const a = await orgNode(ORG_A, 1);
    nodes.push(a);
    holdManifest(a, keyFrom(2), ORG_B, a.clock.nowMs(), { entities: [ORG_B] });
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = a.app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const { token_json } = await issue(a, tutorialGrant);
    const res = await writeFactToPeer({ to: url, tokenJson: token_json, fact: { ...base, valueType: 'number', value: '3.10' }, signer: keyFrom(2), signerEntity: ORG_B });
    expect(res.status).toBe(201);
    const record = res.body as { id: string; attestation_chain: string[] };
    expect(record.attestation_chain).toHaveLength(2);
    expect((await a.req('GET', `/v1/facts/${record.id}/provenance`)).body).toMatchObject({ chain_verified: true, attestations: [{ signer: ORG_B, verified: true }, { verified: true }] });
    await expect(writeFactToPeer({ to: 'http://127.0.0.1:9', tokenJson: token_json, fact: base, signer: keyFrom(2), signerEntity: ORG_B })).rejects.toThrow(RemoteWriteError);
  });
});
