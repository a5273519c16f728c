// 009: whether a peer has signed its pages. Reference nodes do not sign them (their served key is checked instead), but
// a peer that has signed a page must keep signing: otherwise anyone on the path of plain-HTTP federation could strip
// the signature, change the facts and pass the peer's public discovery document through.
import type { Migration } from './index.js';

export const m009PeerSignedPages: Migration = {
  version: 9,
  name: 'peer_signed_pages',
  up(db) {
    db.exec('ALTER TABLE peers ADD COLUMN signs_pages INTEGER NOT NULL DEFAULT 0 CHECK (signs_pages = 0 OR signs_pages = 1)');
  },
};
