// Key files beside the database: names per account, and 0600 writes that never leave a half-written key behind.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SecretStoreError } from './store.js';

/** `<db name>.identity`: the stem every key file of this database's node shares (the historical 0600 PEM path). */
export function keyFileStem(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath).replace(/\.db$/, '')}.identity`);
}

/** The node's own key as a 0600 PEM: `<db name>.identity.pem`, the path every earlier node already uses. */
export function identityPemPath(dbPath: string): string {
  return keyFileStem(dbPath) + '.pem';
}

/**
 * The file for `account`: the node's own account is the stem itself; a sub-account such as `<node>:previous:<keyid>`
 * gets a readable suffix; any other account a hash, so two accounts never share a file.
 */
export function keyFilePath(dbPath: string, nodeAccount: string, account: string, extension: string): string {
  const stem = keyFileStem(dbPath);
  if (account === nodeAccount) return stem + extension;
  const rest = account.startsWith(nodeAccount + ':') ? account.slice(nodeAccount.length + 1) : null;
  if (rest !== null && /^[A-Za-z0-9_:-]{1,120}$/.test(rest)) return `${stem}.${rest.replace(/:/g, '.')}${extension}`;
  return `${stem}.account-${createHash('sha256').update(account).digest('hex').slice(0, 24)}${extension}`;
}

/** The file's text, or null when it does not exist. */
export function readKeyFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new SecretStoreError('key_store_io', `the key file ${path} cannot be read (${code ?? 'error'})`, 'check its owner and permissions');
  }
}

/** Write through a 0600 temporary file, fsync, then rename over the target: a crash leaves the old key or the new one. */
export function writeKeyFile(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new SecretStoreError('key_store_io', `the key file ${path} cannot be written (${code ?? 'error'})`, 'check that its folder exists and is writable');
  }
}

export function deleteKeyFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new SecretStoreError('key_store_io', `the key file ${path} cannot be deleted (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'check its folder permissions');
  }
}
