// Which audit events the screens mark as a refusal or failure ("!" and red): every such event the node records, and
// none of its routine progress.
import { describe, expect, it } from 'vitest';
import { ALARMING_EVENT_TYPES } from '../../../src/shared/audit.js';

describe('events marked as a refusal or failure', () => {
  it('are every refusal and failure the node records', () => {
    const refusalsAndFailures = [
      'rejected_token', 'replay_attempt', 'signature_mismatch', 'san_mismatch', 'scope_violation', 'capability_rejected', 'api_key_refused',
      'rejected_fact', 'rejected_facts_summarised', 'revocation_rejected', 'revocation_pull_failed', 'pull_failed', 'peer_approval_failed',
      'database_backup_failed',
    ];
    expect(refusalsAndFailures.filter((t) => !ALARMING_EVENT_TYPES.has(t))).toEqual([]);
  });

  it('leave routine progress unmarked', () => {
    const routine = ['pull_completed', 'peer_verified', 'peer_approved', 'database_backup', 'capability_verified', 'capability_revocation_received', 'key_rotated'];
    expect(routine.filter((t) => ALARMING_EVENT_TYPES.has(t))).toEqual([]);
  });
});
