// The ceremony record: every line signed over its canonical JSON, altered lines caught, key changes only through rotation.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/main/node/ceremony/errors.js';
import { appendCeremonyRecord, ceremonyRecordLine, startCeremonyRecord, verifyCeremonyRecord, verifyCeremonyRecordFile } from '../../../src/main/node/ceremony/record.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import { verifyB64 } from '../../../src/main/node/crypto/ed25519.js';
import { keyFrom, JUNE_2026 } from '../manifests/fixtures.js';
import { ceremonyFolder, expectFailure, expectOk, removeFolders } from './helpers.js';

afterAll(removeFolders);
const [A, B, C] = [keyFrom(31), keyFrom(32), keyFrom(33)];
const NODE = 'stigmem:node:0123456789abcdef0123456789abcdef';

/** A rotate_key line as the rotation service writes it: signed by the new key, carrying the old key's event signature. */
function rotationLine(from: typeof A, to: typeof A, at = '2026-06-02T00:00:00.000000Z'): string {
  const four = { new_key_id: to.keyId, new_public_key: to.publicKey, previous_key_id: from.keyId, rotated_at: at };
  return ceremonyRecordLine(to, NODE, 'rotate_key', JUNE_2026 + 86_400_000, {
    previous_public_key: from.publicKey, previous_key_id: from.keyId, rotated_at: at, rotation_signature: from.signB64(canonicalJcsBytes(four)),
  });
}

describe('a record line', () => {
  it('carries the public facts of the step and a signature over the rest, and no secret', () => {
    const line = JSON.parse(ceremonyRecordLine(A, NODE, 'init', JUNE_2026, { key_store: 'file' })) as Record<string, unknown>;
    expect(line).toMatchObject({
      step: 'init', at: '2026-06-01T00:00:00.000000Z', node_id: NODE, public_key: A.publicKey, key_id: A.keyId, fingerprint: A.fingerprint,
      approval_fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), tool_version: expect.stringMatching(/^stigmem-desktop /), key_store: 'file',
    });
    const { signature, ...rest } = line;
    expect(verifyB64(A.publicKey, canonicalJcsBytes(rest), signature as string)).toBe(true);
  });

  it('refuses a detail whose name suggests a secret', () => {
    expect(() => ceremonyRecordLine(A, NODE, 'backup', JUNE_2026, { passphrase: 'x' })).toThrow(CeremonyError);
    expect(() => ceremonyRecordLine(A, NODE, 'backup', JUNE_2026, { private_key: 'x' })).toThrow(CeremonyError);
  });
});

describe('verifyCeremonyRecord', () => {
  const good = [ceremonyRecordLine(A, NODE, 'init', JUNE_2026), ceremonyRecordLine(A, NODE, 'backup', JUNE_2026 + 1000, { backup_sha256: 'sha256:00' })];

  it('accepts lines that all verify under one key', () => {
    const v = verifyCeremonyRecord(good.join('\n') + '\n');
    expect(v.problems).toEqual([]);
    expect(v.lines).toBe(2);
    expect(v.steps.map((s) => s.step)).toEqual(['init', 'backup']);
    expect(v.publicKeys).toEqual([A.publicKey]);
  });

  it('catches an altered line and says which', () => {
    const altered = good[1]!.replace('sha256:00', 'sha256:01');
    const v = verifyCeremonyRecord([good[0], altered].join('\n'));
    expect(v.problems).toEqual([{ line: 2, reason: expect.stringContaining('does not verify') }]);
  });

  it('catches a line re-signed by another key without a rotation handing over', () => {
    const v = verifyCeremonyRecord([...good, ceremonyRecordLine(B, NODE, 'manifest_sign', JUNE_2026)].join('\n'));
    expect(v.problems).toEqual([{ line: 3, reason: expect.stringContaining('no rotation signed by it hands over') }]);
  });

  it('follows a rotation signed by the previous key, and refuses one the previous key did not sign', () => {
    const chain = [...good, rotationLine(A, B), ceremonyRecordLine(B, NODE, 'manifest_sign', JUNE_2026 + 2 * 86_400_000)];
    const v = verifyCeremonyRecord(chain.join('\n'));
    expect(v.problems).toEqual([]);
    expect(v.publicKeys).toEqual([A.publicKey, B.publicKey]);
    expect(v.notes).toEqual([`line 3: key rotated to ${B.keyId}`]);
    const forged = verifyCeremonyRecord([...good, rotationLine(C, B)].join('\n'));
    expect(forged.problems).toEqual([{ line: 3, reason: expect.stringContaining('no rotation signed by it hands over') }]);
  });

  it('pins the first key when asked', () => {
    expect(verifyCeremonyRecord(good.join('\n'), A.publicKey).problems).toEqual([]);
    expect(verifyCeremonyRecord(good.join('\n'), B.publicKey).problems[0]).toMatchObject({ line: 1 });
  });

  it.each([
    ['not JSON', '{"step":'],
    ['not a JSON object', '[1,2]'],
    ['public_key is not', JSON.stringify({ step: 'init', at: 'x', public_key: 'nope', signature: 'x' })],
    ['signature is missing', JSON.stringify({ step: 'init', at: 'x', public_key: A.publicKey })],
  ])('reports a hostile line (%s)', (reason, line) => {
    expect(verifyCeremonyRecord(`${good[0]}\n${line}`).problems).toEqual([{ line: 2, reason: expect.stringContaining(reason) }]);
  });

  it('reports an empty record', () => {
    expect(verifyCeremonyRecord('').problems).toEqual([{ line: 0, reason: 'the record is empty' }]);
  });
});

describe('the record file', () => {
  it('appends lines and verifies the file as a whole', () => {
    const { dir } = ceremonyFolder();
    const path = join(dir, 'ceremony-record.jsonl');
    appendCeremonyRecord(path, A, NODE, 'init', JUNE_2026);
    appendCeremonyRecord(path, A, NODE, 'backup', JUNE_2026 + 5);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(expectOk(verifyCeremonyRecordFile(path)).lines).toBe(2);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"backup"', '"restore"'));
    expect(expectFailure(verifyCeremonyRecordFile(path), 'record_invalid')).toContain('line 2:');
    expectFailure(verifyCeremonyRecordFile(join(dir, 'missing.jsonl')), 'file_unreadable');
    // A device that never ends is refused at the bound, not read forever.
    expect(expectFailure(verifyCeremonyRecordFile('/dev/zero'), 'record_invalid')).toContain('/dev/zero is larger than');
  });
});

describe('a new identity\'s record', () => {
  it('begins with its init line, and a record an earlier identity left in the folder is kept apart, not continued', () => {
    const path = join(ceremonyFolder().dir, 'ceremony-record.jsonl');
    expect(startCeremonyRecord(path, A, NODE, JUNE_2026, { key_store: 'file' })).toBeNull();
    appendCeremonyRecord(path, A, NODE, 'backup', JUNE_2026 + 1);
    const earlier = readFileSync(path, 'utf8');

    const keptAs = startCeremonyRecord(path, B, NODE, JUNE_2026 + 2, { key_store: 'file' });
    expect(keptAs).toBe(`${path}.before-init-2026-06-01T00-00-00-002Z`);
    expect(readFileSync(keptAs!, 'utf8')).toBe(earlier);
    const fresh = expectOk(verifyCeremonyRecordFile(path, B.publicKey));
    expect(fresh.steps.map((st) => [st.step, st.keyId])).toEqual([['init', B.keyId]]);

    // An empty file is no earlier record.
    writeFileSync(path, '');
    expect(startCeremonyRecord(path, C, NODE, JUNE_2026 + 3, {})).toBeNull();
  });
});

