// Backup passphrases: refused when empty, short, of one character class, too repetitive, or a well-known weak phrase.
// Shared so the window can say why before it asks the node, which checks again.

export const MIN_BACKUP_PASSPHRASE_LENGTH = 12;
/** What the window's form accepts (a passphrase is typed or pasted, never a file). */
export const MAX_BACKUP_PASSPHRASE_LENGTH = 1024;
const MIN_DISTINCT_CHARACTERS = 5;

/** A passphrase argument's shape (its strength is passphraseWeakness's to judge). */
export const isPassphraseValue = (x: unknown): x is string => typeof x === 'string' && x !== '' && x.length <= MAX_BACKUP_PASSPHRASE_LENGTH;

/** Compared with the passphrase's letters alone, lower-cased, so `Password1234!` counts as `password`. */
const DENY_LIST = new Set([
  'password', 'passphrase', 'passwordpassword', 'changeme', 'changeit', 'letmein', 'welcome', 'qwerty', 'qwertyuiop',
  'qwertyuiopasdf', 'asdfghjkl', 'azerty', 'iloveyou', 'admin', 'administrator', 'secret', 'topsecret', 'default',
  'test', 'testtest', 'abc', 'abcdef', 'abcdefghijkl', 'monkey', 'dragon', 'trustno', 'stigmem', 'stigmemdesktop',
  'correcthorsebatterystaple', 'opensesame', 'masterkey', 'backup', 'backupkey',
]);

function characterClass(ch: string): string {
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Nd}/u.test(ch)) return 'digit';
  if (/\p{L}/u.test(ch)) return 'letter';
  return 'other';
}

/** Why `passphrase` is too weak to seal a backup, or null when it is acceptable. */
export function passphraseWeakness(passphrase: string): string | null {
  const chars = [...passphrase.normalize('NFC')];
  if (chars.length < MIN_BACKUP_PASSPHRASE_LENGTH) return `it is shorter than ${MIN_BACKUP_PASSPHRASE_LENGTH} characters`;
  if (new Set(chars.map(characterClass)).size < 2) return 'it uses a single kind of character (mix letters with digits, capitals, spaces or symbols)';
  if (new Set(chars).size < MIN_DISTINCT_CHARACTERS) return `it repeats fewer than ${MIN_DISTINCT_CHARACTERS} different characters`;
  const lower = chars.join('').toLowerCase();
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (DENY_LIST.has(lower) || DENY_LIST.has(letters)) return 'it is a well-known weak passphrase';
  return null;
}
