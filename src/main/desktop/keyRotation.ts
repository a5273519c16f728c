// The Keys screen's rotation in the desktop: checked against the running node, then the node is stopped, the CLI's
// rotate-key service runs on its folder (which audits it), and the node starts again with the new key.
import type { RotateKeyInput, RotationDone } from '../../shared/identity.js';
import type { Result } from '../../shared/result.js';
import { rotateStoppedNode, rotationRefusal } from '../node/console/identityHandlers.js';
import type { DesktopNodeHost, HostedNode } from './nodeHost.js';

export const ROTATION_TASK = 'Rotating the identity key';

export function rotateKeyOperation<T extends HostedNode>(host: DesktopNodeHost<T>): (args: RotateKeyInput) => Promise<Result<RotationDone>> {
  return (args) =>
    host.whileStopped(
      ROTATION_TASK,
      (deps) => rotationRefusal(deps, args),
      (config, deps) => rotateStoppedNode(config, deps.keyOptions),
    );
}
