// 004: source-trust overrides, quarantine decisions and node settings.
import type { Migration } from './index.js';

export const m004TrustQuarantine: Migration = {
  version: 4,
  name: 'trust_quarantine',
  up(_db) {},
};
