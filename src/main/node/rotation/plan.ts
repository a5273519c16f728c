// Which key retires, which key takes over, and which manifests move with it: the decisions made before anything is written.
import { fromBase64Url, normaliseKey } from '../crypto/base64url.js';
import { generateSeed, keyIdOf } from '../crypto/ed25519.js';
import { sql, type ReadDb } from '../db/sql.js';
import { CeremonyError } from '../ceremony/errors.js';
import { parseManifestBody, type ManifestInput } from '../manifests/input.js';
import type { StoredManifest } from '../manifests/store.js';
import { signerFromSeed, type Signer } from '../identity/signer.js';
import { loadSigner, previousAccountFor } from '../secrets/identityKeys.js';
import type { SecretStore } from '../secrets/store.js';

export interface RotationPlan {
  retiring: Signer;
  incoming: Signer;
  /** The new key's seed when it still has to be stored; null when resuming a rotation whose key is already in place. */
  newSeed: Uint8Array | null;
  /** The manifests signed by the retiring key, one per entity_uri, to re-sign with the incoming key. */
  bases: ManifestInput[];
  /** The key id the manifests name the retiring key by (the rotation chain's previous_key_id). */
  previousKeyId: string;
}

/** The current manifest of every entity_uri stored here, as parsed documents. */
export function currentStoredManifests(db: ReadDb): ManifestInput[] {
  const rows = db.all<StoredManifest>(sql`SELECT m.* FROM federation_manifests m
    WHERE m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) ORDER BY m.seq`);
  return rows.map((r) => ({ ...parseManifestBody(JSON.parse(r.document) as Record<string, unknown>), manifest_version: r.manifest_version ?? undefined }));
}

const keyOf = (m: ManifestInput): string | null => normaliseKey(m.public_key);

function previousKeyIdOf(bases: ManifestInput[]): string {
  const ids = [...new Set(bases.map((b) => b.key_id))];
  if (ids.length > 1) {
    throw new CeremonyError('manifest_invalid', `the manifests signed by this key name it by different key ids (${ids.join(', ')}); publish them under one key id first`);
  }
  return ids[0]!;
}

function hasRotatedTo(db: ReadDb, publicKey: string): boolean {
  return db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM key_rotations WHERE new_public_key = ${publicKey}`)!.n > 0;
}

/**
 * A fresh key when manifests signed by the current key exist. When none do but some are signed by a key kept under
 * this account's previous-key slot (the store was switched and the log was not written), finish that rotation instead.
 */
export async function planRotation(db: ReadDb, store: SecretStore, account: string, current: Signer, candidates: ManifestInput[]): Promise<RotationPlan> {
  const mine = candidates.filter((m) => keyOf(m) === current.publicKey);
  if (mine.length > 0) {
    const newSeed = generateSeed();
    return { retiring: current, incoming: signerFromSeed(newSeed, 'the new key (not stored yet)'), newSeed, bases: mine, previousKeyId: previousKeyIdOf(mine) };
  }
  const interrupted = await interruptedRotationOf(db, store, account, current, candidates);
  if (interrupted !== null) return interrupted;
  throw new CeremonyError('manifest_missing', `no manifest signed by this node's key (${current.keyId}) is stored here to re-sign; publish one first (\`stigmem manifest sign\` then \`stigmem manifest publish\`, or PUT /v1/federation/manifest) or pass the current manifest with --manifest FILE`);
}

/** The rotation a crash cut short: the new key stored, the old one in its previous-key slot, nothing written yet. */
async function interruptedRotationOf(db: ReadDb, store: SecretStore, account: string, current: Signer, candidates: ManifestInput[]): Promise<RotationPlan | null> {
  if (candidates.some((m) => keyOf(m) === current.publicKey) || hasRotatedTo(db, current.publicKey)) return null;
  for (const key of new Set(candidates.map(keyOf).filter((k): k is string => k !== null))) {
    const previous = await loadSigner(store, previousAccountFor(account, keyIdOf(fromBase64Url(key)!)));
    if (previous?.publicKey !== key) continue;
    const bases = candidates.filter((m) => keyOf(m) === key);
    return { retiring: previous, incoming: current, newSeed: null, bases, previousKeyId: previousKeyIdOf(bases) };
  }
  return null;
}

/**
 * At a start: the key id this node's manifests still name when a rotation was interrupted after the new key took over
 * (the node would serve a key its manifests do not announce), or null.
 */
export async function interruptedRotation(db: ReadDb, current: Signer, openStore: () => { store: SecretStore; account: string } | null): Promise<string | null> {
  const candidates = currentStoredManifests(db);
  // The usual start (a manifest under the current key, or none at all) asks the key store nothing more.
  if (candidates.length === 0 || candidates.some((m) => keyOf(m) === current.publicKey)) return null;
  const opened = openStore();
  return opened === null ? null : ((await interruptedRotationOf(db, opened.store, opened.account, current, candidates))?.previousKeyId ?? null);
}
