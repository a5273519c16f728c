// Turns a result's error code into words an operator can act on; the node's own message stays as the detail.
import type { ContractError } from '../../../shared/result';

export interface ErrorDescription {
  title: string;
  hint: string;
}

const BY_CODE: Record<string, ErrorDescription> = {
  unauthorized: {
    title: 'The admin key was not accepted',
    hint: 'Check the key against STIGMEM_ADMIN_KEY on the node (or use another key that has the admin permission).',
  },
  forbidden: {
    title: 'This key is not an admin key',
    hint: 'The console needs a key with the admin permission.',
  },
  token_too_large: { title: 'The key is far too long', hint: 'Paste only the admin key itself.' },
  network_error: {
    title: 'Cannot reach the node',
    hint: 'Is the node still running? Start it again (stigmem serve or npm start), then try again.',
  },
  console_disabled: {
    title: 'The console answers only its own machine',
    hint: 'Open it on the machine running the node, or through an SSH tunnel to 127.0.0.1.',
  },
  node_not_running: {
    title: 'The node is not running',
    hint: 'It stopped or has not started yet. If this stays, quit Stigmem and start it again; its log says why it stopped.',
  },
  validation_failed: { title: 'The request was not valid', hint: 'Correct the value and try again.' },
  invalid_argument: { title: 'That value cannot be used', hint: 'Correct it as the message says and try again.' },
  unknown_operation: { title: 'The node does not know this operation', hint: 'The app and the node may be different versions.' },
  bad_response: { title: 'The node gave an unexpected answer', hint: 'The address may not be a Stigmem node.' },
  rate_limited: { title: 'Too many attempts', hint: 'Wait a moment and try again.' },
  storage_full: { title: "The node's disk is full", hint: 'Nothing was written. Free space on the disk that holds the data folder, then try again.' },
  no_space: { title: 'Not enough free space on that disk', hint: 'Nothing was left half-written. Free space there or choose a folder on another disk, then try again.' },
  storage_busy: { title: 'The database is held by another process', hint: 'A backup, restore or second node has it; try again in a few seconds.' },
  storage_read_only: { title: 'The database cannot be written', hint: 'The data folder or its disk is read-only; fix its permissions or mount, then restart the node.' },
  storage_io_error: { title: 'The disk failed a read or write', hint: 'Check the disk that holds the data folder; if it is failing, restore a backup onto another.' },
  storage_corrupt: { title: 'The database is damaged', hint: 'Stop the node and restore a database backup (the Data screen, or stigmem data restore).' },
  auth_rate_limited: { title: 'Too many wrong keys from this machine', hint: 'The node refuses unknown keys from this address for a minute; wait, then paste the admin key again.' },
  passphrase_too_weak: { title: 'The passphrase is too weak', hint: 'Use at least 12 characters mixing kinds (words with digits, capitals or symbols), not a well-known phrase.' },
  file_exists: { title: 'A file is already there', hint: 'Choose another file name, or tick the box to replace an earlier backup.' },
  file_unreadable: { title: 'The file could not be written or read', hint: 'Check that the folder exists, is writable, and has space (removable media may be read-only).' },
  backup_verify_failed: { title: 'The backup did not read back', hint: 'It was removed. Try again, or write it to another disk.' },
  configured_key: { title: 'This node has no stored key to back up', hint: 'Its key comes from the environment: keep a copy of that source safe instead.' },
  manifest_missing: { title: 'No org manifest to carry the new key', hint: 'Publish the org manifest on the Manifest screen first, then rotate.' },
  node_must_stop: { title: 'The node must be stopped for this', hint: 'Stop it, run the command the message names in its folder, and start it again.' },
  busy: { title: 'The node is busy with another step', hint: 'Wait until it is back, then try again.' },
  passphrase_wrong: { title: 'The passphrase does not open this backup', hint: 'Check the passphrase (it is case-sensitive) and that this is the right file.' },
  backup_invalid: { title: 'This is not a readable Stigmem backup', hint: 'Choose the backup file itself (written by a Stigmem backup), not a copy that was altered.' },
  not_first_run: { title: 'This node already has its identity', hint: 'Its key is on the Keys screen.' },
  keychain_locked: { title: 'The OS keychain is locked', hint: 'Unlock it (log in to your desktop keyring) and try again.' },
  keychain_unavailable: { title: 'The OS keychain is not available', hint: 'Start or install a Secret Service keyring, or choose a file key store (STIGMEM_KEY_STORE=file).' },
  no_data_folder: { title: 'This node keeps no database file', hint: 'It runs with STIGMEM_DB_PATH=:memory:, so there is nothing to back up or restore.' },
  backup_mismatch: { title: 'This backup is not of this node as it is now', hint: 'Choose a backup this node took under its present identity key.' },
  node_id_mismatch: { title: 'The backup belongs to another node', hint: 'Restore it on that node, or choose a backup of this one.' },
  backup_key_mismatch: { title: 'The backup was taken under an earlier key', hint: 'The key was rotated since; choose a backup taken after the rotation.' },
  configured_by_environment: { title: 'Set by the environment', hint: 'STIGMEM_BACKUP_DIR and its companions decide this; change them where the node is started.' },
  node_running: { title: 'Another node runs on this folder', hint: 'Stop it first, then try again.' },
  issuer_manifest_missing: { title: 'This node has no published org manifest', hint: 'Publish a manifest first, on the Manifest screen; tokens are signed under it.' },
  peer_exists: { title: 'That peer is already added', hint: 'It is in the list below; remove it first to add it again, or re-pin its key there.' },
  conflict: { title: 'Someone changed this meanwhile', hint: 'It is already done (for a token: already revoked); the list now shows how it stands.' },
  peer_changed: { title: 'This peer was changed meanwhile', hint: 'Nothing was changed by this request; the list shows the peer as it is now: check it and try again.' },
  not_found: { title: 'It is no longer there', hint: 'It may have been removed meanwhile; refresh to see what the node holds now.' },
  override_not_found: { title: 'This override is already gone', hint: 'It was removed meanwhile; the list shows the score in force now.' },
  passphrase_missing: { title: 'This backup is sealed', hint: 'Type the passphrase it was sealed with.' },
  fact_not_quarantine_pending: { title: 'Already decided by someone else', hint: 'Another moderator or window decided this fact first; the list shows what is still waiting.' },
  internal_error: { title: 'The node failed to answer', hint: 'The node log has the details.' },
};

export function describeError(error: ContractError): ErrorDescription {
  return BY_CODE[error.code] ?? { title: 'Something went wrong', hint: 'Try again; if it keeps happening, check the node log.' };
}
