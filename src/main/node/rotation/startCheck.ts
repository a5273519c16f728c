// A rotation cut short after its new key took over leaves a node serving a key its manifests do not announce, so peers
// that pinned the old key refuse it and have no rotation event to follow. A start finds that and says how to finish.
import { hasConfiguredKey } from '../ceremony/folder.js';
import type { NodeConfig } from '../config/env.js';
import type { WriteDb } from '../db/sql.js';
import type { KeyLoadOptions, NodeKeys } from '../identity/keys.js';
import { openRecordedKeyStore } from '../secrets/custody.js';
import { interruptedRotation } from './plan.js';

export interface InterruptedRotation {
  /** The key id the stored manifests still name. */
  previousKeyId: string;
}

/** The interrupted rotation of this node's own stored key, or null; never stops a start (a failed check finds none). */
export async function findInterruptedRotation(config: NodeConfig, db: WriteDb, keys: NodeKeys, opts?: KeyLoadOptions): Promise<InterruptedRotation | null> {
  if (hasConfiguredKey(config) || keys.isGenerated) return null;
  try {
    const previousKeyId = await interruptedRotation(db, keys.org, () => openRecordedKeyStore(config, db, opts));
    return previousKeyId === null ? null : { previousKeyId };
  } catch {
    return null;
  }
}

export function interruptedRotationMessage(r: InterruptedRotation): string {
  return `A key rotation was interrupted: this node serves its new key while its manifests still name the old one (key id ${r.previousKeyId}), so peers that pinned the old key refuse it. Finish the rotation: stop the node and run \`stigmem identity rotate-key\`, or rotate on the Keys screen.`;
}
