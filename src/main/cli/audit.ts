// `stigmem audit`: this folder's audit log, newest first, read from the database (beside a running node or not), so an
// operator of a headless node sees every area (admin and identity too) without the console.
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { AUDIT_CATEGORIES, listAudit, type AuditCategory, type AuditEntry, type AuditQuery } from '../node/audit/log.js';
import { databaseOpenProblem } from '../node/db/openFailure.js';
import { wrapDatabase } from '../node/db/sql.js';
import { action, CliInputError, cliConfig, printOutcome } from './ceremony.js';

interface AuditOpts {
  category?: string;
  type?: string;
  peer?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

const describe = (detail: Record<string, unknown> | null): string =>
  detail === null ? '' : Object.entries(detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');

function line(e: AuditEntry): string {
  return [e.ts, e.category.padEnd(10), e.event_type.padEnd(26), e.actor ?? '-', e.subject ?? e.peer_id ?? '-', describe(e.detail)].join('  ').trimEnd();
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  // Digits only: Number() would also take 1e2, 0x10 or " 5".
  if (!/^\d{1,3}$/.test(raw) || n < 1 || n > 500) throw new CliInputError('invalid_argument', `--limit takes a whole number from 1 to 500 (got ${raw})`);
  return n;
}

/** One page of the log; a database that cannot be read is said as `stigmem serve` would say it. */
function readPage(raw: Database.Database, path: string, query: AuditQuery): ReturnType<typeof listAudit> {
  try {
    return listAudit(wrapDatabase(raw), query);
  } catch (e) {
    const problem = databaseOpenProblem(e, path);
    if (problem !== null) throw new CliInputError('database_unreadable', problem);
    throw e;
  }
}

async function auditAction(opts: AuditOpts): Promise<void> {
  const cli = cliConfig('audit');
  if (!cli) return;
  const category = opts.category as AuditCategory | undefined;
  if (category !== undefined && !AUDIT_CATEGORIES.includes(category)) throw new CliInputError('invalid_argument', `--category is one of ${AUDIT_CATEGORIES.join(', ')} (got ${opts.category})`);
  const limit = limitOf(opts.limit);
  const path = cli.config.dbPath;
  if (path === ':memory:' || !existsSync(path)) throw new CliInputError('no_database', `there is no node database at ${path} (STIGMEM_DB_PATH): run the command in the node's folder`);
  const raw = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const page = readPage(raw, path, { categories: category ? [category] : undefined, eventType: opts.type, peerId: opts.peer, cursor: opts.cursor, limit });
    printOutcome('audit', { ok: true, value: page }, opts.json, (v) => [
      ...(v.entries.length === 0 ? ['stigmem audit: no events'] : v.entries.map(line)),
      ...(v.cursor !== null ? [`(older events: stigmem audit --cursor ${v.cursor}${category ? ` --category ${category}` : ''})`] : []),
    ]);
  } finally {
    raw.close();
  }
}

/** `stigmem audit`, attached to `program.command('audit')`. */
export function configureAuditCommand(cmd: Command): Command {
  return cmd
    .description("this folder's node audit log, newest first: who changed keys, peers, gardens, trust and settings, and what federation refused")
    .option('--category <area>', `only one area: ${AUDIT_CATEGORIES.join(', ')}`)
    .option('--type <event>', 'only events of this type (e.g. api_key_created)')
    .option('--peer <id>', "only one peer's events")
    .option('--limit <n>', 'how many (1 to 500, default 50)')
    .option('--cursor <cursor>', 'older events, from the cursor the previous page printed')
    .option('--json', 'print the page as JSON')
    .action(action('audit', auditAction));
}
