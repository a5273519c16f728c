// The Keys screen's rotation in the desktop: checked against the running node, then the node is stopped, the CLI's
// rotate-key service runs on its folder, and the node starts again with the new key (audited once it is back).
import type { RotateKeyInput, RotationDone } from '../../shared/identity.js';
import type { Result } from '../../shared/result.js';
import { recordAudit } from '../node/audit/log.js';
import { rotateStoppedNode, rotationRefusal } from '../node/console/identityHandlers.js';
import type { DesktopNodeHost, HostedNode } from './nodeHost.js';

export const ROTATION_TASK = 'Rotating the identity key';

export function rotateKeyOperation<T extends HostedNode>(host: DesktopNodeHost<T>): (args: RotateKeyInput) => Promise<Result<RotationDone>> {
  return (args) =>
    host.whileStopped(
      ROTATION_TASK,
      (deps) => rotationRefusal(deps, args),
      (config, deps) => rotateStoppedNode(config, deps.keyOptions),
      (node, result) => {
        if (node === null || !result.ok) return;
        const { deps } = node;
        recordAudit(deps.db, {
          category: 'identity', eventType: 'key_rotated', actor: deps.orgEntityUri, subject: result.value.current.keyId,
          detail: { previous_key_id: result.value.previous.keyId, dual_trust_expires_at: result.value.dualTrustExpiresAt, manifests_resigned: result.value.manifestsResigned },
        }, deps.clock.nowMs());
      },
    );
}
