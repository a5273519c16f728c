// `stigmem identity rotate-key`: rotate the organisation key of the (stopped) node in this folder, then optionally
// write the re-signed manifest to a file and republish it on an online node.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeOutputFile } from '../node/ceremony/files.js';
import { publishManifestToNode } from '../node/ceremony/publish.js';
import { DEFAULT_ROTATED_MANIFEST_DAYS, rotateIdentityKey, type RotationReport } from '../node/rotation/rotate.js';
import { DEFAULT_DUAL_TRUST_DAYS } from '../node/rotation/store.js';
import { action, CliInputError, cliConfig, printOutcome, reportFailure, row } from './ceremony.js';
import { readAdminKey, readManifestFile } from './manifest.js';
import { parseHttpUrl } from './options.js';

interface RotateOpts {
  dualTrustDays: number;
  validityDays: number;
  manifest?: string;
  out?: string;
  force?: boolean;
  url?: string;
  adminKeyFile?: string;
  json?: boolean;
  again?: boolean;
}

function wholeNumber(v: string): number {
  if (!/^\d{1,6}$/.test(v)) throw new InvalidArgumentError('must be a whole number of days');
  return Number(v);
}

function summary(v: RotationReport): string[] {
  return [
    `stigmem identity rotate-key: rotated the organisation key${v.isResumed ? ' (finished an interrupted rotation)' : ''}`,
    row('node id', v.nodeId), row('previous key id', v.previous.keyId), row('new public key', v.current.publicKey), row('new key id', v.current.keyId),
    row('new fingerprint', v.current.fingerprint), row('approval fingerprint', v.current.approvalFingerprint), row('kept in', v.keyLocation),
    row('old key trusted until', `${v.dualTrustExpiresAt} (${v.dualTrustDays} days)`),
    ...v.manifests.map((m) => row('re-signed manifest', `${m.entityUri} (log index ${m.logEntry.log_index}, rotation entry ${m.rotationLogEntry.log_index})`)),
    'Restart the node to sign with the new key; peers that pinned the old key must approve the new fingerprint.',
    'Back up the new key now (stigmem ceremony backup --out FILE): backups made before this rotation hold the retired key.',
  ];
}

/** Publish each re-signed manifest to --url; the rotation itself is already done here. */
async function republish(v: RotationReport, url: string, adminKey: string, json: boolean | undefined): Promise<void> {
  for (const m of v.manifests) {
    const result = await publishManifestToNode({ url, manifestText: JSON.stringify(m.manifest), adminKey });
    if (!result.ok) {
      reportFailure('identity rotate-key', { code: result.error.code, message: `the rotation is done here, but publishing ${m.entityUri} to ${url} failed: ${result.error.message}` });
      process.exitCode = 1;
      continue;
    }
    if (!json) process.stdout.write(`${row('published', `${m.entityUri} to ${url} (log index ${result.value.logEntry.log_index}, proof verified)`)}\n`);
  }
}

async function rotateAction(opts: RotateOpts): Promise<void> {
  const cli = cliConfig('identity rotate-key');
  if (!cli) return;
  if (opts.out !== undefined && !opts.force && existsSync(opts.out)) throw new CliInputError('file_exists', `${opts.out} already exists; choose another name or pass --force to replace it`);
  const baseManifestText = opts.manifest === undefined ? undefined : readManifestFile(opts.manifest);
  const adminKey = opts.url === undefined ? null : readAdminKey(opts.adminKeyFile);
  const result = await rotateIdentityKey({ config: cli.config, dualTrustDays: opts.dualTrustDays, manifestValidityDays: opts.validityDays, baseManifestText, again: opts.again === true });
  if (!printOutcome('identity rotate-key', result, opts.json, summary)) return;
  const v = result.value;
  if (opts.out !== undefined) {
    if (v.manifests.length !== 1) throw new CliInputError('invalid_argument', `--out writes one manifest, but ${v.manifests.length} were re-signed; fetch them from the node instead`);
    writeOutputFile(resolve(opts.out), JSON.stringify(v.manifests[0]!.manifest, null, 2) + '\n', 0o644, opts.force === true);
    if (!opts.json) process.stdout.write(`${row('manifest file', resolve(opts.out))}\n`);
  }
  if (opts.url !== undefined && adminKey !== null) await republish(v, opts.url, adminKey, opts.json);
}

/** `stigmem identity …`, attached to `program.command('identity')`. */
export function configureIdentityCommand(cmd: Command): Command {
  cmd.description("the organisation key of this folder's node");
  cmd.command('rotate-key')
    .description('rotate the organisation key of the stopped node in this folder: a new key in the same store, a rotation event signed by the old key, the manifests re-signed and logged')
    .option('--dual-trust-days <days>', 'how long signatures by the old key keep verifying (at least 90)', wholeNumber, DEFAULT_DUAL_TRUST_DAYS)
    .option('--validity-days <days>', 'validity of the re-signed manifests', wholeNumber, DEFAULT_ROTATED_MANIFEST_DAYS)
    .option('--manifest <file>', 'the current signed manifest, when this folder stores none (an offline workstation)')
    .option('--out <file>', 'also write the re-signed manifest to this file')
    .option('--force', 'replace an existing --out file')
    .option('--url <url>', 'republish the re-signed manifests on this node (PUT /v1/federation/manifest)', parseHttpUrl)
    .option('--admin-key-file <file>', 'file holding that node\'s admin key (else STIGMEM_ADMIN_KEY)')
    .option('--again', 'rotate even though the key was rotated within the last hour')
    .option('--json', 'print the result as JSON')
    .action(action('identity rotate-key', rotateAction));
  return cmd;
}
