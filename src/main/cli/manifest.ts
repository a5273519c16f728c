// `stigmem manifest sign` (offline, with this folder's key) and `stigmem manifest publish FILE --url URL` (online).
import type { Command } from 'commander';
import { readEnvironment } from '../node/config/env.js';
import { signManifestOffline } from '../node/ceremony/manifestSign.js';
import { publishManifestToNode } from '../node/ceremony/publish.js';
import { action, CliInputError, cliConfig, printOutcome, row } from './ceremony.js';
import { FileTooLargeError, readTextUpTo } from '../node/boundedRead.js';
import { parseHttpUrl } from './options.js';

const MAX_MANIFEST_FILE_BYTES = 1024 * 1024;
const MAX_ADMIN_KEY_FILE_BYTES = 4096;

/** The admin key for a remote node: --admin-key-file, else STIGMEM_ADMIN_KEY (or STIGMEM_BOOTSTRAP_KEY) here. */
export function readAdminKey(file: string | undefined): string {
  if (file !== undefined) {
    let text: string;
    try {
      text = readTextUpTo(file, MAX_ADMIN_KEY_FILE_BYTES).trim();
    } catch (e) {
      if (e instanceof FileTooLargeError) throw new CliInputError('invalid_argument', `${e.message}; it should hold one admin key`);
      throw new CliInputError('file_unreadable', `cannot read the admin key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (text === '') throw new CliInputError('invalid_argument', `the admin key file ${file} is empty`);
    return text;
  }
  const env = readEnvironment(process.cwd(), process.env);
  const key = (env['STIGMEM_ADMIN_KEY'] ?? env['STIGMEM_BOOTSTRAP_KEY'] ?? '').trim();
  if (key === '') throw new CliInputError('admin_key_missing', 'this needs the node\'s admin key: pass --admin-key-file FILE or set STIGMEM_ADMIN_KEY');
  return key;
}

export function readManifestFile(file: string): string {
  try {
    return readTextUpTo(file, MAX_MANIFEST_FILE_BYTES);
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new CliInputError('manifest_invalid', e.message);
    throw new CliInputError('file_unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

interface SignOpts { entity?: string; entities?: string; expires?: string; issuedAt?: string; out: string; force?: boolean; json?: boolean }

async function signAction(opts: SignOpts): Promise<void> {
  const cli = cliConfig('manifest sign');
  if (!cli) return;
  const result = await signManifestOffline({
    config: cli.config, entityUri: opts.entity ?? null, entities: opts.entities, expires: opts.expires, issuedAt: opts.issuedAt, outPath: opts.out, force: opts.force === true,
  });
  printOutcome('manifest sign', result, opts.json, (v) => [
    `stigmem manifest sign: wrote ${v.path}`,
    row('entity', v.manifest.entity_uri), row('entities', v.manifest.entities.join(', ')), row('issued at', v.manifest.issued_at),
    row('expires at', v.manifest.expires_at), row('key id', v.keyId), row('fingerprint', v.fingerprint),
    row('rotation events', String(v.manifest.rotation_events.length)), row('signature', v.manifest.signature), row('ceremony record', v.recordPath),
    'Publish it on an online node: stigmem manifest publish FILE --url URL (or PUT it to /v1/federation/manifest)',
  ]);
}

interface PublishOpts { url: string; adminKeyFile?: string; json?: boolean }

async function publishAction(file: string, opts: PublishOpts): Promise<void> {
  const manifestText = readManifestFile(file);
  const adminKey = readAdminKey(opts.adminKeyFile);
  const result = await publishManifestToNode({ url: opts.url, manifestText, adminKey });
  printOutcome('manifest publish', result, opts.json, (v) => [
    `stigmem manifest publish: ${v.url} published the manifest for ${v.entityUri}; its inclusion proof verifies`,
    JSON.stringify({ log_entry: v.logEntry }, null, 2),
  ]);
}

/** `stigmem manifest …`, attached to `program.command('manifest')`. */
export function configureManifestCommand(cmd: Command): Command {
  cmd.description('sign org manifests offline and publish them to a node');
  cmd.command('sign')
    .description('sign a manifest with this folder\'s organisation key, offline, into a file for PUT /v1/federation/manifest')
    .option('--entity <uri>', 'the organisation entity (default: STIGMEM_ENTITY_URI)')
    .option('--entities <list>', 'comma-separated entities the organisation vouches for (default: the entity itself)')
    .option('--expires <when>', 'an ISO 8601 timestamp with a zone, or +<days>d after issued-at', '+365d')
    .option('--issued-at <iso>', 'when it takes effect (default: now)')
    .requiredOption('--out <file>', 'the manifest file to write')
    .option('--force', 'replace an existing file')
    .option('--json', 'print the result as JSON')
    .action(action('manifest sign', signAction));
  cmd.command('publish')
    .description('PUT a signed manifest file to a node and check the inclusion proof it returns')
    .argument('<file>', 'the manifest file (from `stigmem manifest sign`)')
    .requiredOption('--url <url>', 'the node\'s URL', parseHttpUrl)
    .option('--admin-key-file <file>', 'file holding the node\'s admin key (else STIGMEM_ADMIN_KEY)')
    .option('--json', 'print the result as JSON')
    .action(action('manifest publish', publishAction));
  return cmd;
}
