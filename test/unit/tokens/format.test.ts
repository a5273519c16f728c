// The token's signed bytes and token_json against REFERENCE-NODE.md §3.4, and the structural checks of parseToken.
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { parseToken, tokenJsonOf, tokenSigningBytes, type TokenBody } from '../../../src/main/node/tokens/format.js';

const VECTOR_SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const VECTOR_SIGNATURE = 'zxTaeUmtzReWfyqCwImHV_f_bkPyP3nLFh0NiNZhvGvl3nMVzMiNn4GoLLBDP-uRYfBMZZzrXuRNC1QNeZOQCA';
const VECTOR_BODY: TokenBody = {
  expiry: '2026-01-02T00:00:00.000001+00:00',
  issued_at: '2026-01-01T00:00:00.000001+00:00',
  issuer: 'stigmem://org-a.example',
  nonce: 'ab'.repeat(32),
  object: 'stigmem://facts/scope:company',
  subject: 'stigmem://org-a.example/agent/bot',
  token_id: '11111111-1111-1111-1111-111111111111',
  token_version: 1,
  verb: 'write',
};

describe('the §3.4 capability-token vector', () => {
  const signer = signerFromSeed(fromBase64Url(VECTOR_SEED)!, 'vector');

  it('signs exactly the reference bytes', () => {
    const bytes = tokenSigningBytes(VECTOR_BODY).toString('utf8');
    expect(bytes).toBe(
      '{"expiry":"2026-01-02T00:00:00.000001+00:00","issued_at":"2026-01-01T00:00:00.000001+00:00","issuer":"stigmem://org-a.example",' +
        `"nonce":"${'ab'.repeat(32)}","object":"stigmem://facts/scope:company","subject":"stigmem://org-a.example/agent/bot",` +
        '"token_id":"11111111-1111-1111-1111-111111111111","token_version":1,"verb":"write"}',
    );
    expect(signer.signB64(tokenSigningBytes(VECTOR_BODY))).toBe(VECTOR_SIGNATURE);
  });

  it('writes token_json with the signature between object and subject', () => {
    const json = tokenJsonOf({ ...VECTOR_BODY, signature: VECTOR_SIGNATURE });
    expect(json).toContain(`"object":"stigmem://facts/scope:company","signature":"${VECTOR_SIGNATURE}","subject":`);
    expect(JSON.parse(json)).toEqual({ ...VECTOR_BODY, signature: VECTOR_SIGNATURE });
  });
});

describe('parseToken', () => {
  const good = { ...VECTOR_BODY, signature: VECTOR_SIGNATURE };

  it('reads a token from its JSON text or as an object', () => {
    expect(parseToken(JSON.stringify(good))).toMatchObject({ ok: true, expiryMs: Date.parse('2026-01-02T00:00:00.000Z') });
    expect(parseToken(good)).toMatchObject({ ok: true });
  });

  it.each([
    ['not JSON', '{"token_version":1,', 'malformed'],
    ['an array', '[1,2]', 'malformed'],
    ['a number', 42, 'malformed'],
    ['no version', { ...good, token_version: undefined }, 'malformed'],
    ['version 2', { ...good, token_version: 2 }, 'unsupported_version'],
    ['version as a string', { ...good, token_version: '1' }, 'unsupported_version'],
    ['an empty subject', { ...good, subject: '' }, 'malformed'],
    ['a numeric verb', { ...good, verb: 7 }, 'malformed'],
    ['no signature', { ...good, signature: undefined }, 'malformed'],
    ['an nbf claim', { ...good, nbf: 9999999999 }, 'malformed'],
    ['a capabilities claim', { ...good, capabilities: ['write'] }, 'malformed'],
    ['an expiry without a zone', { ...good, expiry: '2026-01-02T00:00:00' }, 'malformed'],
    ['a JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'malformed'],
  ])('refuses %s as %s', (_what, input, reason) => {
    const obj = typeof input === 'object' && input !== null ? JSON.parse(JSON.stringify(input)) : input;
    expect(parseToken(obj)).toMatchObject({ ok: false, reason });
  });

  it('refuses a token text over 16 KiB before parsing it', () => {
    const big = JSON.stringify({ ...good, pad: 'x'.repeat(17 * 1024) });
    expect(parseToken(big)).toMatchObject({ ok: false, reason: 'malformed', detail: 'token exceeds 16384 bytes' });
  });
});
