// Which store a ceremony puts a key into: the recorded one, else STIGMEM_KEY_STORE (`auto`: the keychain, then a
// 0600 file only with consent and a notice that says why), as a node's first start does.
import { openKeyStore } from '../identity/keys.js';
import type { Signer } from '../identity/signer.js';
import { getKeyCustodyRecord, type KeyStoreRecord } from '../meta.js';
import type { WriteDb } from '../db/sql.js';
import { isKeychainFailure, type SecretStore } from '../secrets/store.js';
import type { CeremonyContext } from './folder.js';

export interface Placement {
  kind: KeyStoreRecord;
  store: SecretStore;
  signer: Signer;
  fallbackReason: string | null;
  /** True when node_meta already named this store. */
  isRecorded: boolean;
}

/** Run `put` against the store this folder's key belongs in and report which store took it. */
export async function placeInStore(ctx: CeremonyContext, db: WriteDb, account: string, notices: string[], put: (store: SecretStore) => Promise<Signer>): Promise<Placement> {
  const { config, keys = {} } = ctx;
  const record = getKeyCustodyRecord(db);
  const kind = record?.keyStore ?? config.keyStore;
  if (kind !== 'auto') {
    const store = openKeyStore(kind, config, account, keys);
    return { kind, store, signer: await put(store), fallbackReason: record?.fallbackReason ?? null, isRecorded: record !== null };
  }
  const keychain = openKeyStore('keychain', config, account, keys);
  try {
    return { kind: 'keychain', store: keychain, signer: await put(keychain), fallbackReason: null, isRecorded: false };
  } catch (e) {
    if (!isKeychainFailure(e)) throw e;
    const file = openKeyStore('file', config, account, keys);
    if (keys.confirmFallback && !(await keys.confirmFallback({ error: e, location: file.describe(account) }))) throw e;
    const signer = await put(file);
    notices.push(`${e.reason}: the organisation key is kept in ${file.describe(account)} instead (STIGMEM_KEY_STORE=keychain refuses to go on without the keychain)`);
    return { kind: 'file', store: file, signer, fallbackReason: e.reason, isRecorded: false };
  }
}
