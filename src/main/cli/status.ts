// `stigmem status`: the Overview for a headless node, asked of the node running in this folder over its console API
// (loopback, admin key). Exit 0 when nothing needs the operator, 1 when something does, 2 when the node cannot be asked:
// a monitoring check as it stands.
import type { Command } from 'commander';
import type { NodeStatus } from '../../shared/contract.js';
import { consoleApiPath } from '../../shared/contract.js';
import { isResultEnvelope } from '../../shared/result.js';
import { localNodeUrl } from '../node/config/env.js';
import { PeerHttpError, peerRequest, usePeerTls } from '../node/federation/http.js';
import { loadTlsMaterial } from '../node/server/tls.js';
import { readAdminKey } from './manifest.js';
import { action, CliInputError, cliConfig, reportFailure, row } from './ceremony.js';
import { parseHttpUrl } from './options.js';

interface StatusOpts {
  adminKeyFile?: string;
  url?: string;
  json?: boolean;
}

function lines(s: NodeStatus): string[] {
  const out = [
    `stigmem status: node ${s.nodeId} (${s.orgEntityUri})`,
    row('advertised URL', s.nodeUrl),
    row('version', `${s.version} (protocol ${s.protocolVersion})`),
    row('federation', s.isFederationEnabled ? 'enabled' : 'disabled'),
    row('transport', s.tls ? `mTLS, certificate for ${s.tls.certificateUris.join(', ') || 'no node id'} until ${s.tls.validTo}` : 'plain HTTP'),
    row('facts', String(s.factCount)),
    row('key last backed up', s.keyBackup.isPossible ? (s.keyBackup.lastAt ?? 'never') : 'kept outside this node'),
    row('database backed up', s.dataBackup.lastAt ?? (s.dataBackup.isAutomatic ? 'automatic backups on, none yet' : 'never')),
    row('up for', `${s.uptimeSeconds} s`),
  ];
  if (s.attention.length === 0) return [...out, 'Nothing needs attention.'];
  return [...out, `${s.attention.length} ${s.attention.length === 1 ? 'thing needs' : 'things need'} attention:`, ...s.attention.map((a) => `  - [${a.code}] ${a.message}`)];
}

async function statusAction(opts: StatusOpts): Promise<void> {
  const cli = cliConfig('status');
  if (!cli) return;
  const adminKey = readAdminKey(opts.adminKeyFile);
  if (cli.config.tls !== null) {
    try {
      usePeerTls(loadTlsMaterial(cli.config.tls));
    } catch (e) {
      throw new CliInputError('config_invalid', (e as Error).message);
    }
  }
  const base = opts.url ?? localNodeUrl(cli.config, cli.config.port);
  let res;
  try {
    res = await peerRequest(`${base.replace(/\/+$/, '')}${consoleApiPath('node:status')}`, {
      method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: 'null', timeoutMs: 10_000,
    });
  } catch (e) {
    throw new CliInputError('node_unreachable', `no node answers at ${base} (${e instanceof PeerHttpError ? e.message : String(e)}): is \`stigmem serve\` running in this folder?`);
  }
  const body = res.json;
  if (res.status !== 200 || !isResultEnvelope(body)) {
    const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown; code?: unknown }) : {};
    throw new CliInputError(typeof detail.code === 'string' ? detail.code : 'bad_response', `${base} answered HTTP ${res.status}${typeof detail.detail === 'string' ? `: ${detail.detail}` : ''}`);
  }
  if (!body.ok) return reportFailure('status', body.error);
  const status = body.value as NodeStatus;
  process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${lines(status).join('\n')}\n`);
  process.exitCode = status.attention.length === 0 ? 0 : 1;
}

/** `stigmem status`, attached to `program.command('status')`. */
export function configureStatusCommand(cmd: Command): Command {
  return cmd
    .description("the running node of this folder and what needs attention (exit 0: nothing, 1: something, 2: the node could not be asked)")
    .option('--admin-key-file <file>', 'file holding the admin key (default: STIGMEM_ADMIN_KEY)')
    .option('--url <url>', "the node's local URL (default: this folder's port on 127.0.0.1)", parseHttpUrl)
    .option('--json', 'print the status as JSON')
    .action(action('status', statusAction));
}
