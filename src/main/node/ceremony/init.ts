// `ceremony init`: generate the organisation key into the configured store of a folder that has no identity yet.
import { recordAudit } from '../audit/log.js';
import { mkdirSync } from 'node:fs';
import { generateSeed, publicKeyFromSeed } from '../crypto/ed25519.js';
import type { WriteDb } from '../db/sql.js';
import type { Result } from '../errors.js';
import { deriveNodeId, getMeta, recordIdentity, type KeyStoreRecord } from '../meta.js';
import { placeIdentityKey } from '../secrets/identityKeys.js';
import { asResult, CeremonyError } from './errors.js';
import {
  ceremonyRecordPath, dataDirOf, hasConfiguredKey, hasIdentity, keySummary, nowOf, withDatabase, type CeremonyContext, type KeySummary,
} from './folder.js';
import { placeInStore, type Placement } from './placement.js';
import { publicBundle, writeIdentityQr, type PublicBundle } from './qr.js';
import { startCeremonyRecord } from './record.js';

export interface InitOptions extends CeremonyContext {
  /** The organisation the key signs for (default STIGMEM_ENTITY_URI); goes into the QR bundle. */
  entityUri?: string | null;
  /** Where the QR files go (default: the data folder). */
  qrDir?: string;
}

export interface InitReport extends KeySummary {
  nodeId: string;
  entityUri: string | null;
  keyStore: KeyStoreRecord;
  /** Where the key is kept, for people (a keychain item or a file path). */
  keyLocation: string;
  /** Why the key went to a file instead of the keychain, when it did. */
  fallbackReason: string | null;
  notices: string[];
  bundle: PublicBundle;
  qrSvg: string;
  qrPng: string;
  recordPath: string;
}

function refuseExisting(ctx: InitOptions, db: WriteDb): void {
  if (hasConfiguredKey(ctx.config)) {
    throw new CeremonyError('configured_key', 'the environment supplies the node key (STIGMEM_NODE_PRIVATE_KEY, _FILE or the federation pair); a ceremony generates the node\'s own key, so unset it first');
  }
  if (hasIdentity(ctx.config, db)) {
    const nodeId = getMeta(db, 'node_id');
    throw new CeremonyError('identity_exists', `the data folder ${dataDirOf(ctx.config)} already has an identity${nodeId ? ` (${nodeId})` : ''}; a new key for it is \`stigmem identity rotate-key\`, and a new identity needs an empty folder`);
  }
}

export function initCeremony(opts: InitOptions): Promise<Result<InitReport>> {
  return asResult(() =>
    withDatabase(opts.config, async (db) => {
      refuseExisting(opts, db);
      const notices: string[] = [];
      const seed = generateSeed();
      let placed: Placement;
      let nodeId: string;
      try {
        nodeId = opts.config.nodeId ?? deriveNodeId(publicKeyFromSeed(seed));
        placed = await placeInStore(opts, db, nodeId, notices, (store) => placeIdentityKey(store, nodeId, seed));
      } finally {
        seed.fill(0);
      }
      recordIdentity(db, nodeId, { keyStore: placed.kind, fallbackReason: placed.fallbackReason });
      const { signer } = placed;
      recordAudit(db, { category: 'identity', eventType: 'identity_created', actor: nodeId, subject: signer.keyId, detail: { key_store: placed.kind, key_location: signer.custody, fallback_reason: placed.fallbackReason, ceremony: true } }, nowOf(opts));
      const entityUri = opts.entityUri ?? opts.config.entityUri;
      const bundle = publicBundle(nodeId, signer.publicKey, signer.keyId, entityUri);
      const qrDir = opts.qrDir ?? dataDirOf(opts.config);
      mkdirSync(qrDir, { recursive: true });
      const qr = await writeIdentityQr(qrDir, bundle);
      const recordPath = ceremonyRecordPath(opts.config);
      const keptAs = startCeremonyRecord(recordPath, signer, nodeId, nowOf(opts), {
        key_store: placed.kind, key_location: signer.custody, entity_uri: entityUri, qr_files: [qr.svg, qr.png],
      });
      if (keptAs !== null) notices.push(`the ceremony record of an earlier identity in this folder was kept as ${keptAs}`);
      return {
        ...keySummary(signer), nodeId, entityUri, keyStore: placed.kind, keyLocation: signer.custody, fallbackReason: placed.fallbackReason,
        notices, bundle, qrSvg: qr.svg, qrPng: qr.png, recordPath,
      };
    }),
  );
}
