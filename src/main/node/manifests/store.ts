// Published manifests: every version kept as an immutable row; the current one for an entity_uri is its latest.
import { sql, type ReadDb, type WriteDb } from '../db/sql.js';
import { uriAuthority } from '../../../shared/uri.js';

export interface StoredManifest {
  seq: number;
  entity_uri: string;
  key_id: string;
  /** Normalised (unpadded base64url) for lookups; `document` keeps the key as it was signed. */
  public_key: string;
  issued_at: string;
  expires_at: string;
  expires_at_ms: number;
  manifest_version: number | null;
  /** Canonical JCS of the eight-field signed document. */
  document: string;
  log_index: number;
  published_at: string;
  published_by: string;
}

export type NewManifest = Omit<StoredManifest, 'seq'> & { entities: readonly string[] };

export function insertManifest(db: WriteDb, m: NewManifest): number {
  const res = db.run(sql`INSERT INTO federation_manifests
    (entity_uri, key_id, public_key, issued_at, expires_at, expires_at_ms, manifest_version, document, log_index, published_at, published_by)
    VALUES (${m.entity_uri}, ${m.key_id}, ${m.public_key}, ${m.issued_at}, ${m.expires_at}, ${m.expires_at_ms}, ${m.manifest_version},
      ${m.document}, ${m.log_index}, ${m.published_at}, ${m.published_by})`);
  const seq = Number(res.lastInsertRowid);
  for (const entity of new Set(m.entities)) {
    db.run(sql`INSERT INTO federation_manifest_entities (entity, manifest_seq) VALUES (${entity}, ${seq})`);
  }
  return seq;
}

/** The current manifest published for exactly this entity_uri, expired or not. */
export function latestManifestFor(db: ReadDb, entityUri: string): StoredManifest | undefined {
  return db.get<StoredManifest>(sql`SELECT * FROM federation_manifests WHERE entity_uri = ${entityUri} ORDER BY seq DESC LIMIT 1`);
}

const IS_CURRENT = sql`m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri)`;

/**
 * The unexpired current manifest covering `entity`: its own, else the latest one of the same authority that lists it
 * in `entities`. An organisation vouches only for its own names: a manifest listing another authority's entity is
 * never taken as that entity's.
 */
export function manifestCovering(db: ReadDb, entity: string, nowMs: number): StoredManifest | undefined {
  const own = latestManifestFor(db, entity);
  if (own && own.expires_at_ms > nowMs) return own;
  const authority = uriAuthority(entity);
  if (authority === null) return undefined;
  const listing = db.all<StoredManifest>(sql`SELECT m.* FROM federation_manifest_entities e
    JOIN federation_manifests m ON m.seq = e.manifest_seq
    WHERE e.entity = ${entity} AND m.entity_uri <> ${entity} AND m.expires_at_ms > ${nowMs} AND ${IS_CURRENT}
    ORDER BY m.seq DESC LIMIT 20`);
  return listing.find((m) => uriAuthority(m.entity_uri) === authority);
}

/** This node's own manifest: the org entity's, else the latest current one signed by the org key. */
export function ownManifest(db: ReadDb, orgEntityUri: string, orgPublicKey: string, nowMs: number): StoredManifest | undefined {
  const byEntity = latestManifestFor(db, orgEntityUri);
  if (byEntity && byEntity.expires_at_ms > nowMs) return byEntity;
  return db.get<StoredManifest>(sql`SELECT m.* FROM federation_manifests m
    WHERE m.public_key = ${orgPublicKey} AND m.expires_at_ms > ${nowMs} AND ${IS_CURRENT}
    ORDER BY m.seq DESC LIMIT 1`);
}
