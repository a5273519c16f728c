// node_meta: small persisted facts about this node (its id, its key-hash salt).
import { createHash, randomBytes } from 'node:crypto';
import { sql, type WriteDb } from './db/sql.js';

export function getMeta(db: WriteDb, key: string): string | null {
  return db.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = ${key}`)?.value ?? null;
}

export function setMetaIfAbsent(db: WriteDb, key: string, value: string): string {
  db.run(sql`INSERT INTO node_meta (key, value) VALUES (${key}, ${value}) ON CONFLICT(key) DO NOTHING`);
  return getMeta(db, key) as string;
}

/** node_id: STIGMEM_NODE_ID at first start, else derived from the identity key; fixed once persisted. */
export function resolveNodeId(db: WriteDb, configured: string | null, publicKey: Uint8Array): { nodeId: string; warning: string | null } {
  const existing = getMeta(db, 'node_id');
  if (existing !== null) {
    const warning = configured !== null && configured !== existing ? `STIGMEM_NODE_ID=${configured} is ignored: this node's id is fixed as ${existing}` : null;
    return { nodeId: existing, warning };
  }
  const derived = 'stigmem:node:' + createHash('sha256').update(publicKey).digest('hex').slice(0, 32);
  return { nodeId: setMetaIfAbsent(db, 'node_id', configured ?? derived), warning: null };
}

export function keyHashSalt(db: WriteDb): Buffer {
  return Buffer.from(setMetaIfAbsent(db, 'api_key_salt', randomBytes(16).toString('hex')), 'hex');
}
