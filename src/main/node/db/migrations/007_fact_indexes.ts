// 007: cheaper fact writes and O(page) serving. A CID is a random hash, so an index keyed by it dirties a page per
// insert; the CID already fixes entity, relation and scope, so uniqueness moves onto the triple index. Lookups by CID
// alone use a 4-byte prefix partitioned by insertion window (seq >> 13): new facts only touch the newest window, and a
// lookup probes each window (about 120 probes per million facts), confirmed against the full CID.
// Peers page through this node's own facts by (scope, hlc); received facts never enter that index.
import type { Migration } from './index.js';

export const m007FactIndexes: Migration = {
  version: 7,
  name: 'fact_indexes',
  up(db) {
    db.exec(`
      CREATE UNIQUE INDEX facts_triple_cid ON facts(entity, relation, scope, cid);
      CREATE INDEX facts_cid_window ON facts((seq >> 13), unhex(substr(cid, 8, 8)));
      CREATE INDEX facts_served ON facts(scope, hlc) WHERE received_from IS NULL AND quarantine_garden_id IS NULL AND garden_id IS NULL;
      DROP INDEX facts_triple;
      DROP INDEX facts_cid;
      DROP INDEX facts_hlc;
    `);
  },
};
