// Keys, clocks and signed manifest bodies for the manifest tests, built from the wire rules rather than our signing code.
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { signerFromSeed, type Signer } from '../../../src/main/node/identity/signer.js';
import { canonicalJcsBytes } from '../../../src/main/node/json/canonical.js';
import type { Clock } from '../../../src/main/node/clock.js';

/** REFERENCE-NODE.md §3.4. */
export const VECTOR = {
  seed: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
  publicKey: 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg',
  keyId16: '56475aa75463474c',
  signature: '2T04_Ug9K6EMFRDAPTt75G-WdL1pdp4rJQy3PB5V6LJakMjGFnWhDjeEm7Xj-ldDJKwaFma7jsmUkajcXr69Bg',
  body: {
    entities: ['stigmem://org-a.example', 'stigmem://org-a.example/agent/bot'],
    entity_uri: 'stigmem://org-a.example',
    expires_at: '2026-12-31T00:00:00Z',
    issued_at: '2026-01-01T00:00:00Z',
    key_id: '56475aa75463474c',
    public_key: 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg',
    rotation_events: [] as unknown[],
  },
};

export const JUNE_2026 = Date.parse('2026-06-01T00:00:00Z');

export function testClock(startMs = JUNE_2026): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = startMs;
  return { nowMs: () => now, set: (ms) => (now = ms), advance: (ms) => (now += ms) };
}

export const keyFrom = (fill: number): Signer => signerFromSeed(new Uint8Array(32).fill(fill), `test key ${fill}`);

export interface EventFields {
  previous_key_id: string;
  new_key_id: string;
  new_public_key: string;
  rotated_at: string;
  previous_public_key?: string;
}

/** A rotation event signed by `by` over the four-field body of §3.2. */
export function rotationEvent(by: Signer, fields: EventFields): Record<string, string> {
  const { previous_public_key, ...four } = fields;
  const signature = by.signB64(canonicalJcsBytes(four));
  return { ...four, signature, ...(previous_public_key ? { previous_public_key } : {}) };
}

export const rotate = (from: Signer, to: Signer, at = '2026-05-01T00:00:00Z'): Record<string, string> =>
  rotationEvent(from, { previous_key_id: from.keyId, new_key_id: to.keyId, new_public_key: to.publicKey, rotated_at: at });

export interface ManifestFields {
  entity_uri: string;
  key_id: string;
  public_key: string;
  issued_at: string;
  expires_at: string;
  entities: string[];
  rotation_events: Record<string, string>[];
}

export function manifestFields(key: Signer, over: Partial<ManifestFields> = {}): ManifestFields {
  return {
    entity_uri: 'stigmem://org-b.example', key_id: key.keyId, public_key: key.publicKey,
    issued_at: '2026-05-01T00:00:00Z', expires_at: '2027-05-01T00:00:00Z', entities: ['stigmem://org-b.example'], rotation_events: [],
    ...over,
  };
}

/** The seven fields signed by `by`, exactly as §3.2 says (a client-side signer). */
export function signed(by: Signer, fields: ManifestFields, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fields, ...extra, signature: by.signB64(canonicalJcsBytes(fields)) };
}

export const padded = (key: string): string => key + '='.repeat((4 - (key.length % 4)) % 4);
export const standardBase64 = (key: string): string => padded(key).replace(/-/g, '+').replace(/_/g, '/');
export const b64 = toBase64Url;
