// Backup passphrases: the shared rules (src/shared/passphrase.ts) as a ceremony refusal.
import { passphraseWeakness } from '../../../shared/passphrase.js';
import { CeremonyError } from './errors.js';

export { MIN_BACKUP_PASSPHRASE_LENGTH, passphraseWeakness } from '../../../shared/passphrase.js';

/** The passphrase, NFC-normalised, or a `passphrase_missing` / `passphrase_too_weak` refusal. */
export function checkBackupPassphrase(passphrase: string | null | undefined): string {
  if (passphrase === null || passphrase === undefined || passphrase === '') {
    throw new CeremonyError('passphrase_missing', 'the backup needs a passphrase and none was given');
  }
  const weakness = passphraseWeakness(passphrase);
  if (weakness) throw new CeremonyError('passphrase_too_weak', `the backup passphrase is too weak: ${weakness}`);
  return passphrase.normalize('NFC');
}
