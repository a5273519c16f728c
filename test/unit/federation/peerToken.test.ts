import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { checkPeerToken, decodePeerToken, mintPeerToken, PEER_TOKEN_LIFETIME_MS } from '../../../src/main/node/federation/peerToken.js';

const alice = signerFromSeed(generateSeed(), 'test');
const mallory = signerFromSeed(generateSeed(), 'test');
const NOW = 1_780_000_000_000;
const expectFor = (over: Partial<Parameters<typeof checkPeerToken>[1]> = {}) => ({
  peerPublicKey: alice.publicKeyBytes, ourNodeId: 'stigmem:node:b', peerNodeId: 'stigmem:node:a', nowMs: NOW, leewayMs: 30_000, ...over,
});
const mint = (signer = alice, now = NOW) => mintPeerToken(signer, { iss: 'stigmem:node:a', sub: 'stigmem:node:b', scopes: ['public'] }, now);

/** Re-sign a token with altered claims (to test claim checks independently of the signature). */
function forge(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'JWT' }, signer = alice): string {
  const enc = (v: unknown) => toBase64Url(Buffer.from(JSON.stringify(v)));
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${signer.signB64(Buffer.from(input, 'ascii'))}`;
}
const base = { iss: 'stigmem:node:a', sub: 'stigmem:node:b', iat: NOW, exp: NOW + 3_600_000, nonce: 'n-1', scopes: ['public'] };

describe('peer tokens', () => {
  it('mints the reference shape: EdDSA header, ms timestamps, 1 h lifetime, fresh uuid nonce', () => {
    const t = mint();
    const d = decodePeerToken(t)!;
    expect(d.header).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(d.claims).toMatchObject({ iss: 'stigmem:node:a', sub: 'stigmem:node:b', iat: NOW, exp: NOW + PEER_TOKEN_LIFETIME_MS, scopes: ['public'] });
    expect(d.claims['nonce']).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodePeerToken(mint())!.claims['nonce']).not.toBe(d.claims['nonce']);
    const r = checkPeerToken(d, expectFor());
    expect(r.ok).toBe(true);
  });

  it.each([
    ['a signature by another key', () => mint(mallory), 'invalid_signature'],
    ['expired beyond leeway', () => forge({ ...base, exp: NOW - 31_000 }), 'token_expired'],
    ['wrong audience', () => forge({ ...base, sub: 'stigmem:node:c' }), 'invalid_sub'],
    ['wrong issuer', () => forge({ ...base, iss: 'stigmem:node:c' }), 'invalid_iss'],
    ['iat in the future', () => forge({ ...base, iat: NOW + 60_000 }), 'iat_in_future'],
    ['iat over 24 h old', () => forge({ ...base, iat: NOW - 25 * 3_600_000 }), 'iat_too_old'],
    ['nbf in the future', () => forge({ ...base, nbf: NOW + 60_000 }), 'nbf_in_future'],
    ['empty nonce', () => forge({ ...base, nonce: '' }), 'missing_nonce'],
    ['seconds instead of ms is expired', () => forge({ ...base, iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 3600 }), 'token_expired'],
    ['alg none', () => forge(base, { alg: 'none', typ: 'JWT' }), 'invalid_token'],
    ['non-numeric exp', () => forge({ ...base, exp: 'later' }), 'invalid_token'],
  ])('refuses %s', (_n, make, reason) => {
    const d = decodePeerToken(make())!;
    expect(checkPeerToken(d, expectFor())).toEqual({ ok: false, reason });
  });

  it('accepts a token expired within the leeway', () => {
    expect(checkPeerToken(decodePeerToken(forge({ ...base, exp: NOW - 29_000 }))!, expectFor()).ok).toBe(true);
  });

  it('refuses a flipped signature bit', () => {
    const t = mint();
    const [h, p, s] = t.split('.') as [string, string, string];
    const sig = fromBase64Url(s)!;
    sig[0] = sig[0]! ^ 1;
    expect(checkPeerToken(decodePeerToken(`${h}.${p}.${toBase64Url(sig)}`)!, expectFor())).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each(['', 'a.b', 'a.b.c.d', '!!!.e30.x', `${'a'.repeat(17000)}.b.c`, 'e30.W10.AA'])('decode refuses malformed %#', (t) => {
    expect(decodePeerToken(t)).toBeNull();
  });
});
