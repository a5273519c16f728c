import { describe, expect, it } from 'vitest';
import { cidBody, computeCid, isWellFormedCid, looksLikeCid } from '../../../src/main/node/facts/cid.js';

const stringFact = {
  entity: 'stigmem://testnode/user/alice',
  relation: 'memory:role',
  valueType: 'string',
  valueV: 'engineer',
  source: 'stigmem://testnode/agent/test',
  scope: 'company',
  confidence: 1,
};

describe('fact CID (REFERENCE-NODE.md §3.4, §10.3)', () => {
  it('hashes the conformance string fact to the reference CID', () => {
    expect(cidBody(stringFact)).toBe(
      '{"confidence":1.0,"entity":"stigmem://testnode/user/alice","relation":"memory:role","scope":"company","source":"stigmem://testnode/agent/test","value_type":"string","value_v":"engineer"}',
    );
    expect(computeCid(stringFact)).toBe('sha256:7f142e3a82d8ed778c41988049abe6b73a66cea69109a790dc2935392f0a42a7');
  });

  it('hashes the number example (42.5, confidence 0.9)', () => {
    const f = { ...stringFact, relation: 'memory:score', valueType: 'number', valueV: '42.5', confidence: 0.9 };
    expect(computeCid(f)).toBe('sha256:8f3ac4181b2d02ba5dabfe336f4c0643d2a29dc6bcfe4222af524feba5f8bd66');
  });

  it('keeps "42" and "42.0" apart (digests from Python stdlib json + hashlib)', () => {
    const f = { ...stringFact, relation: 'memory:score', valueType: 'number', confidence: 0.9 };
    expect(computeCid({ ...f, valueV: '42' })).toBe('sha256:ff3fa1685b91cde286e2f8c9432ed9b7090cadbe21f6c94c838c6ca1eba19422');
    expect(computeCid({ ...f, valueV: '42.0' })).toBe('sha256:c2c32c4e40c7f22de40dd77038b38324337c472ede7614b499940a707c5065ac');
  });

  it('writes non-ASCII raw and confidence as a Python float', () => {
    const f = { ...stringFact, valueV: 'é', confidence: 1e-5 };
    expect(cidBody(f)).toContain('"confidence":1e-05');
    expect(cidBody(f)).toContain('"value_v":"é"');
    expect(computeCid(f)).toBe('sha256:62dbb14ec9b86d718fee06405575b975b3448fab5b837f08435572a9fa9179e6');
  });

  it('tells well-formed CIDs from look-alikes', () => {
    expect(isWellFormedCid('sha256:' + 'a'.repeat(64))).toBe(true);
    expect(isWellFormedCid('sha256:' + 'A'.repeat(64))).toBe(false);
    expect(isWellFormedCid('sha256:abc')).toBe(false);
    expect(looksLikeCid('sha256:abc')).toBe(true);
    expect(looksLikeCid('4a6e0c1e-0000-4000-8000-000000000000')).toBe(false);
  });

  it('writes a remembered confidence exactly as a fresh one, -0.0 included', () => {
    for (const c of [0.9, 0.1 + 0.2, 0, -0, 1, 1e-5]) {
      const first = cidBody({ ...stringFact, confidence: c });
      expect(cidBody({ ...stringFact, confidence: c })).toBe(first);
    }
    expect(cidBody({ ...stringFact, confidence: 0 })).toContain('"confidence":0.0,');
    expect(cidBody({ ...stringFact, confidence: -0 })).toContain('"confidence":-0.0,');
    expect(cidBody({ ...stringFact, confidence: 0.1 + 0.2 })).toContain('"confidence":0.30000000000000004,');
  });
});
