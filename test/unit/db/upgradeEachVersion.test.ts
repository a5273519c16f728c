// A file at every earlier schema version, holding rows in every table that version had (written as that version's
// code wrote them: facts of each scope, a retraction, a conflict, a garden, API keys, the audit log, a logged manifest,
// a peer with its cursor, trust, quarantine, tokens, revocations, provenance, a rotation), upgraded to the latest:
// every row keeps every value, and the schema is the one a new file gets.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../src/main/node/db/connection.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/main/node/db/migrations/index.js';

type Row = Record<string, string | number | Buffer | null>;
const T = '2026-11-24T18:17:24.156000+00:00';
const hex = (c: string, n = 64): string => c.repeat(n);
const hash = (b: number): Buffer => Buffer.alloc(32, b);

/** Rows per table, grouped by the migration that created the table, in an order that satisfies foreign keys. */
const ROWS: Record<number, [table: string, row: Row][]> = {
  1: [
    ['node_meta', { key: 'node_id', value: 'stigmem:node:387168f6618a5143dd24f33039f3e626' }],
    ['node_meta', { key: 'key_store', value: 'file' }],
    ['gardens', { id: 'g-atlas', slug: 'atlas-team', name: 'Atlas team', scope: 'team', description: null, created_by: 'stigmem://org-a.example', created_at: T, quarantine: 0, deleted_at: null }],
    ['gardens', { id: 'g-inbound', slug: 'inbound', name: 'Inbound', scope: 'company', description: 'held', created_by: 'stigmem://org-a.example', created_at: T, quarantine: 1, deleted_at: null }],
    ['garden_members', { garden_id: 'g-atlas', entity_uri: 'stigmem://org-a.example/people/bob', role: 'writer', added_by: 'stigmem://org-a.example', added_at: T }],
    ...(['local', 'team', 'company', 'public'] as const).map((scope, i): [string, Row] => ['facts', fact(`f-${scope}`, i + 1, { scope, entity: `stigmem://org-a.example/scope/${scope}` })]),
    ['facts', fact('f-retract', 5, { confidence: 0, relation: 'memory:owner' })],
    ['facts', fact('f-a', 6, { relation: 'memory:phase', value_v: 'one' })],
    ['facts', fact('f-b', 7, { relation: 'memory:phase', value_v: 'two', source: 'stigmem://org-a.example/agent/other' })],
    ['facts', fact('f-expiring', 8, { value_type: 'boolean', value_v: 'true', valid_until: '2099-01-01T00:00:00+02:00', valid_until_ms: Date.UTC(2098, 11, 31, 22) })],
    ['facts', fact('f-garden', 9, { garden_id: 'g-atlas', scope: 'team' })],
    ['facts', fact('f-pulled', 10, { received_from: 'stigmem:node:1816c64f93c7219944730d83d92d32d5', origin_node_id: 'stigmem:node:1816c64f93c7219944730d83d92d32d5', origin_allowed_scopes: '["public"]', source: 'stigmem://org-b.example/agent/x', source_trust: 0.95 })],
    ['facts', fact('f-held', 11, { received_from: 'stigmem:node:1816c64f93c7219944730d83d92d32d5', source: 'stigmem://org-b.example/agent/low', source_trust: 0.1, quarantine_garden_id: 'g-inbound', quarantine_reason: 'auto-quarantine: trust 0.1 below 0.3' })],
    ['facts', fact('f-decided', 12, { received_from: 'stigmem:node:1816c64f93c7219944730d83d92d32d5', source: 'stigmem://org-b.example/agent/low', source_trust: 0.1, quarantine_garden_id: 'g-inbound', quarantine_reason: 'auto-quarantine' })],
    ['conflicts', { id: 'stigmem:conflict:1', seq: 1, fact_a: 'f-a', fact_b: 'f-b', status: 'resolved', detected_at: T, resolved_by: 'stigmem://org-a.example', resolved_at: T, winning_fact_id: 'f-a', resolution_fact_id: null, resolution_note: 'checked' }],
    ['api_keys', { id: 'k-admin', key_hash: hex('4'), entity_uri: 'stigmem://org-a.example', permissions: '["read","write","admin"]', description: 'STIGMEM_ADMIN_KEY', created_at: T, expires_at: null, revoked_at: null, is_bootstrap: 1 }],
    ['api_keys', { id: 'k-revoked', key_hash: hex('5'), entity_uri: 'stigmem://org-a.example/agent/old', permissions: '["read"]', description: 'to revoke', created_at: T, expires_at: '2027-02-22T00:00:00+00:00', revoked_at: T, is_bootstrap: 0 }],
    ['audit_events', { seq: 1, id: 'a-1', ts: T, category: 'admin', event_type: 'api_key_revoked', actor: 'stigmem://org-a.example', peer_id: null, subject: 'k-revoked', detail: '{"key_id":"k-revoked"}' }],
    ['audit_events', { seq: 2, id: 'a-2', ts: T, category: 'federation', event_type: 'pull_completed', actor: null, peer_id: 'p-b', subject: null, detail: '{"facts_received":4}' }],
  ],
  2: [
    ['tl_meta', { key: 'log_id', value: '387168f6618a5143' }],
    ['tl_leaves', { log_index: 0, kind: 'manifest', leaf_hash: hash(1), entry: Buffer.from('{"entity_uri":"stigmem://org-a.example"}'), integrated_time: 1795544246 }],
    ['tl_leaves', { log_index: 1, kind: 'token_revocation', leaf_hash: hash(2), entry: Buffer.from('{"token_id":"t-2"}'), integrated_time: 1795544247 }],
    ['tl_nodes', { level: 1, node_index: 0, hash: hash(3) }],
    ['federation_manifests', { seq: 1, entity_uri: 'stigmem://org-a.example', key_id: hex('3'), public_key: 'y44Kym7nIv5_vHW4ZfUDMcaVKBkMLxpnX4ddU375xKI', issued_at: '2026-11-24T18:17:26Z', expires_at: '2027-09-20T18:17:26Z', expires_at_ms: 1821464246000, manifest_version: 1, document: '{"entity_uri":"stigmem://org-a.example"}', log_index: 0, published_at: T, published_by: 'stigmem://org-a.example' }],
    ['federation_manifest_entities', { entity: 'stigmem://org-a.example', manifest_seq: 1 }],
  ],
  3: [
    ['peers', { id: 'p-b', node_id: 'stigmem:node:1816c64f93c7219944730d83d92d32d5', node_url: 'http://127.0.0.1:18361', entity_uri: 'stigmem://org-b.example', trusted_public_key: 'CPxKc770IYVbmMoyJC19FxmxLvAAZ9kN4e-U1lqHSUg', status: 'active', registration: 'pinned', allowed_scopes: '["company","public"]', declaration: null, created_at: T, established_at: T, removed_at: null, last_pull: T, last_success_at: T, pull_lag_ms: 6463, newest_remote_wall_ms: 1795544245977, error: null, facts_received: 7, facts_rejected: 0, cursor: 'eyJzY29wZSI6InB1YmxpYyIsImhsYyI6IjE3OTU1NDQyNDU5NzcuMDAwIn0' }],
    ['peer_nonces', { nonce: '9d335496-7022-4f23-9376-e2828ec09304', peer_id: 'p-b', expires_at_ms: 1795547844872 }],
  ],
  4: [
    ['trust_overrides', { source: 'stigmem://org-b.example/agent/low', score: 0.1, note: 'untested agent', set_by: 'stigmem://org-a.example', set_at: T }],
    ['trust_sources_seen', { source: 'stigmem://org-b.example/agent/x', scope: 'public', via: 'federation', last_score: 0.95, last_seen_at: T, last_seen_ms: 1795544245977, facts_seen: 4 }],
    ['quarantine_decisions', { seq: 1, fact_id: 'f-decided', quarantine_garden_id: 'g-inbound', action: 'rejected', target_garden_id: null, reason: 'spam', acted_by: 'stigmem://org-a.example', acted_at: T }],
    ['node_settings', { key: 'automatic_backup', value: '{"dir":"/mnt/backup/stigmem","intervalMinutes":1440,"keep":7}', updated_by: 'stigmem://org-a.example', updated_at: T }],
  ],
  5: [
    ['capability_tokens', { seq: 1, token_id: 't-1', issuer: 'stigmem://org-a.example', subject: 'stigmem://org-b.example/agent/bot0', verb: 'write', object: 'stigmem://facts/scope:company', issued_at: T, expiry: '2026-12-24T18:17:26.214000+00:00', expiry_ms: 1798136246214, nonce: hex('c'), token_json: '{"token_id":"t-1"}', issued_by: 'stigmem://org-a.example' }],
    ['capability_tokens', { seq: 2, token_id: 't-2', issuer: 'stigmem://org-a.example', subject: 'stigmem://org-b.example/agent/bot1', verb: 'write', object: 'stigmem://facts/scope:company', issued_at: T, expiry: '2026-12-24T18:17:26.214000+00:00', expiry_ms: 1798136246214, nonce: hex('d'), token_json: '{"token_id":"t-2"}', issued_by: 'stigmem://org-a.example' }],
    ['capability_revocations', { seq: 1, token_id: 't-2', issuer_entity: 'stigmem://org-a.example', revoked_by: 'stigmem://org-a.example', revoked_at: T, reason: 'no longer needed', signature: 'B-Yaswy_ZQyv7oLn4ZBpL9', log_index: 1, origin: 'local', received_from: null, received_at: T }],
    ['revocation_pull_state', { issuer_entity: 'stigmem://org-b.example', source_url: 'http://127.0.0.1:18361', next_since: 3, updated_at: T }],
    ['fact_provenance', { fact_id: 'f-public', signed_body: '{"entity":"stigmem://org-a.example/scope/public"}', attestation_chain: '["FlH8rd3x9x88"]', writer_form: null, writer_signer: null, writer_key_id: null, writer_signature: null, receipt_signer: 'stigmem://org-a.example', receipt_key_id: hex('3'), receipt_public_key: 'y44Kym7nIv5_vHW4ZfUDMcaVKBkMLxpnX4ddU375xKI', receipt_signature: 'sig', received_via: 'token', token_id: 't-1', token_json: '{"token_id":"t-1"}', recorded_at: T }],
  ],
  6: [
    ['key_rotations', { seq: 1, old_key_id: hex('3'), old_public_key: 'y44Kym7nIv5_vHW4ZfUDMcaVKBkMLxpnX4ddU375xKI', new_key_id: hex('6'), new_public_key: '-maz2z3kgLT4cffIgLKRGDKS3M0nRoAYDzyEXhkai28', rotated_at: T, rotated_at_ms: 1795544246000, dual_trust_expires_at: '2027-02-22T18:17:26+00:00', dual_trust_expires_at_ms: 1803320246000, event: '{"old_key_id":"3"}' }],
  ],
};

function fact(id: string, n: number, over: Row = {}): Row {
  return {
    seq: n, id, cid: `sha256:${n.toString(16).padStart(64, '0')}`, entity: 'stigmem://org-a.example/project/atlas', relation: 'memory:status',
    value_type: 'string', value_v: 'active', interpret_as: 'content', source: 'stigmem://org-a.example/agent/assistant', timestamp: T,
    hlc: `${1795544244228 + n}.000`, confidence: 0.9, scope: 'public', valid_until: null, valid_until_ms: null, garden_id: null, received_from: null,
    origin_node_id: null, origin_allowed_scopes: null, attested_key_id: null, attested: null, written_by: 'stigmem://org-a.example/agent/assistant',
    derived_from: '[]', warnings: '[]', source_trust: null, quarantine_garden_id: null, quarantine_reason: null, ...over,
  };
}

function fileAt(version: number): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, version));
  for (const [created, rows] of Object.entries(ROWS)) {
    if (Number(created) > version) continue;
    for (const [table, row] of rows) {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
    }
  }
  return db;
}

const schema = (db: Database.Database): unknown[] => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
const rowsOf = (db: Database.Database, table: string): Row[] => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all() as Row[];

describe.each(MIGRATIONS.slice(0, -1).map((m) => m.version))('a file at schema %i with rows in every table', (version) => {
  it('upgrades to the latest schema keeping every row and value, to the schema a new file gets', () => {
    const db = fileAt(version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const before = Object.fromEntries(tables.map((t) => [t, rowsOf(db, t)]));
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    for (const t of tables) {
      const after = rowsOf(db, t).map((r) => Object.fromEntries(Object.keys(before[t]![0] ?? r).map((c) => [c, r[c]])));
      // The built-in quarantine garden is the one row migration 004 adds to a table that existed before it.
      const added = t === 'gardens' && version < 4 ? after.filter((r) => r['slug'] === 'quarantine') : [];
      expect(after.filter((r) => !added.includes(r)), t).toEqual(before[t]);
    }
    expect(db.prepare('SELECT signs_pages FROM peers').pluck().all()).toEqual(version >= 3 ? [0] : []);
    const fresh = new Database(':memory:');
    migrate(fresh);
    expect(schema(db)).toEqual(schema(fresh));
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The facts table keeps its high-water mark, and CID lookups use the windowed prefix index.
    expect(Number(db.prepare(`INSERT INTO facts (id, cid, entity, relation, value_type, value_v, source, timestamp, hlc, confidence, scope)
      VALUES ('f-new', ?, 'e', 'r', 'string', 'v', 's', 't', 'h', 1, 'public')`).run(`sha256:${hex('e')}`).lastInsertRowid)).toBe(13);
    const cid = `sha256:${(11).toString(16).padStart(64, '0')}`;
    expect(db.prepare('SELECT id FROM facts WHERE (seq >> 13) = 0 AND unhex(substr(cid, 8, 8)) = unhex(substr(?, 8, 8)) AND cid = ?').pluck().get(cid, cid)).toBe('f-held');
  });
});
