// `stigmem ceremony …`: the offline key ceremony on the node in this folder (init, backup, restore, verify-record).
// None of these commands opens a network connection.
import type { Command } from 'commander';
import { FileTooLargeError, readTextUpTo } from '../node/boundedRead.js';
import { ConfigError, loadConfig, readEnvironment, type NodeConfig } from '../node/config/env.js';
import { backupIdentity } from '../node/ceremony/backup.js';
import { CeremonyError } from '../node/ceremony/errors.js';
import { initCeremony } from '../node/ceremony/init.js';
import { verifyCeremonyRecordFile } from '../node/ceremony/record.js';
import { restoreIdentity } from '../node/ceremony/restore.js';
import { interruptible } from './interrupt.js';
import { parsePublicKey } from './options.js';
import { HttpError, type Result } from '../node/errors.js';

type Env = Record<string, string | undefined>;
const MAX_PASSPHRASE_FILE_BYTES = 4096;
/** Failures of a check that ran (exit 1); every other refusal is a usage or input problem (exit 2). */
const CHECK_FAILURES = new Set(['backup_verify_failed', 'record_invalid', 'publish_failed', 'proof_invalid', 'manifest_rejected', 'internal_error']);

export class CliInputError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function reportFailure(command: string, error: { code: string; message: string }): void {
  process.stderr.write(`stigmem ${command}: ${error.message} [${error.code}]\n`);
  process.exitCode = error.code === 'interrupted' ? 130 : CHECK_FAILURES.has(error.code) ? 1 : 2;
}

/** This folder's configuration as `stigmem serve` reads it (environment over ./.env); null after reporting a bad one. */
export function cliConfig(command: string): { config: NodeConfig; env: Env } | null {
  try {
    const env = readEnvironment(process.cwd(), process.env);
    const { config, warnings } = loadConfig(env);
    for (const w of warnings) process.stderr.write(`stigmem ${command}: warning: ${w}\n`);
    return { config, env };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    reportFailure(command, { code: 'config_invalid', message: e.message });
    return null;
  }
}

/** Print a result: its value as JSON with --json, else the given lines; notices go to stderr. */
export function printOutcome<T>(command: string, result: Result<T>, json: boolean | undefined, lines: (v: T) => string[], notices: (v: T) => string[] = () => []): result is { ok: true; value: T } {
  if (!result.ok) {
    reportFailure(command, result.error);
    return false;
  }
  for (const n of notices(result.value)) process.stderr.write(`stigmem ${command}: notice: ${n}\n`);
  process.stdout.write(json ? `${JSON.stringify(result.value, null, 2)}\n` : `${lines(result.value).join('\n')}\n`);
  return true;
}

export const row = (label: string, value: string | null | undefined): string => `  ${label.padEnd(22)}${value ?? '-'}`;

/** Read a passphrase without echoing it (raw mode on the terminal). */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode before the question shows: what is typed once it is seen is neither echoed nor taken by the terminal (^C).
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();
  let text = '';
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return void (finish(), resolve(text));
        if (ch === '\u0003') return void (finish(), reject(new CliInputError('interrupted', 'interrupted at the passphrase prompt; nothing was written')));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The passphrase from --passphrase-file, else `envName` (STIGMEM_KEY_PASSPHRASE), else a prompt on the terminal (asked twice for a
 * new backup). Without any of them (no terminal, as in CI) it is a `passphrase_missing` refusal.
 */
export async function readPassphrase(file: string | undefined, env: Env, isNew: boolean, envName = 'STIGMEM_KEY_PASSPHRASE'): Promise<string> {
  if (file !== undefined) {
    try {
      return readTextUpTo(file, MAX_PASSPHRASE_FILE_BYTES).replace(/\r?\n$/, '');
    } catch (e) {
      if (e instanceof FileTooLargeError) throw new CliInputError('invalid_argument', `${e.message}; it should hold one passphrase`);
      throw new CliInputError('file_unreadable', `cannot read the passphrase file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new CliInputError('passphrase_missing', `no passphrase: give --passphrase-file FILE or set ${envName} (there is no terminal to ask on)`);
  const first = await promptHidden(isNew ? 'Backup passphrase (at least 12 characters, mixed): ' : 'Backup passphrase: ');
  if (!isNew) return first;
  if ((await promptHidden('Repeat the passphrase: ')) !== first) throw new CliInputError('invalid_argument', 'the two passphrases differ');
  return first;
}

/** Run an action; an input error becomes its refusal instead of a stack trace. */
export function action<A extends unknown[]>(command: string, run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (e) {
      if (e instanceof CliInputError || e instanceof CeremonyError) return reportFailure(command, { code: e.code, message: e.message });
      // The node's own checks of a value the command passed on (a cursor, a filter) refuse it as they would over HTTP.
      if (e instanceof HttpError && e.status < 500) return reportFailure(command, { code: e.code, message: e.message });
      throw e;
    }
  };
}

interface InitOpts { entity?: string; outDir?: string; json?: boolean }

async function initAction(opts: InitOpts): Promise<void> {
  const cli = cliConfig('ceremony init');
  if (!cli) return;
  const result = await initCeremony({ config: cli.config, entityUri: opts.entity ?? null, qrDir: opts.outDir });
  printOutcome('ceremony init', result, opts.json, (v) => [
    `stigmem ceremony init: generated the organisation key`,
    row('node id', v.nodeId), row('entity', v.entityUri), row('public key', v.publicKey), row('key id', v.keyId),
    row('fingerprint', v.fingerprint), row('approval fingerprint', v.approvalFingerprint), row('kept in', v.keyLocation),
    row('QR code', `${v.qrSvg}, ${v.qrPng}`), row('ceremony record', v.recordPath),
    'Compare the fingerprint with the one your peers read from the QR code. Next: stigmem ceremony backup --out FILE',
  ], (v) => v.notices);
}

interface BackupOpts { out: string; passphraseFile?: string; force?: boolean; json?: boolean }

async function backupAction(opts: BackupOpts): Promise<void> {
  const cli = cliConfig('ceremony backup');
  if (!cli) return;
  const passphrase = await readPassphrase(opts.passphraseFile, cli.env, true);
  const result = await interruptible('no backup was written', (signal) => backupIdentity({ config: cli.config, outPath: opts.out, passphrase, force: opts.force === true, signal }));
  printOutcome('ceremony backup', result, opts.json, (v) => [
    `stigmem ceremony backup: wrote and verified ${v.path} (mode 0600)`,
    row('node id', v.nodeId), row('key id', v.keyId), row('fingerprint', v.fingerprint), row('file', v.sha256), row('ceremony record', v.recordPath),
    'Keep the file and its passphrase apart. Restore with: stigmem ceremony restore FILE',
  ]);
}

interface RestoreOpts { passphraseFile?: string; force?: boolean; json?: boolean }

async function restoreAction(file: string, opts: RestoreOpts): Promise<void> {
  const cli = cliConfig('ceremony restore');
  if (!cli) return;
  const passphrase = await readPassphrase(opts.passphraseFile, cli.env, false);
  const result = await restoreIdentity({ config: cli.config, backupPath: file, passphrase, force: opts.force === true });
  printOutcome('ceremony restore', result, opts.json, (v) => [
    `stigmem ceremony restore: ${v.wasAlreadyPresent ? 'the store already held this key' : 'restored the organisation key'}`,
    row('node id', v.nodeId), row('public key', v.publicKey), row('key id', v.keyId), row('fingerprint', v.fingerprint),
    row('kept in', v.keyLocation), ...(v.replacedPublicKey ? [row('replaced key', v.replacedPublicKey)] : []), row('ceremony record', v.recordPath),
  ], (v) => v.notices);
}

interface VerifyOpts { publicKey?: string; json?: boolean }

async function verifyRecordAction(file: string, opts: VerifyOpts): Promise<void> {
  const result = verifyCeremonyRecordFile(file, opts.publicKey);
  printOutcome('ceremony verify-record', result, opts.json, (v) => [
    `stigmem ceremony verify-record: ${v.lines} line(s), every signature verifies`,
    ...v.steps.map((s) => `  line ${s.line}: ${s.step} at ${s.at} by key ${s.keyId.slice(0, 16)}…`),
    ...v.notes.map((n) => `  ${n}`),
  ]);
}

/** `stigmem ceremony …`, attached to `program.command('ceremony')`. */
export function configureCeremonyCommand(cmd: Command): Command {
  cmd.description('the offline key ceremony for this folder\'s node (works with the network off)');
  cmd.command('init')
    .description('generate the organisation key into the key store (STIGMEM_KEY_STORE) and print its public key, key id and fingerprints')
    .option('--entity <uri>', 'the organisation entity, for the QR bundle (default: STIGMEM_ENTITY_URI)')
    .option('--out-dir <dir>', 'where identity-qr.svg and identity-qr.png go (default: the data folder)')
    .option('--json', 'print the result as JSON')
    .action(action('ceremony init', initAction));
  cmd.command('backup')
    .description('write a passphrase-encrypted backup of the organisation key, verified by opening it again')
    .requiredOption('--out <file>', 'the backup file to write (mode 0600)')
    .option('--passphrase-file <file>', 'read the passphrase from this file (else STIGMEM_KEY_PASSPHRASE, else a prompt)')
    .option('--force', 'replace an existing file')
    .option('--json', 'print the result as JSON')
    .action(action('ceremony backup', backupAction));
  cmd.command('restore')
    .description('restore the organisation key from a backup into this folder\'s key store')
    .argument('<file>', 'the backup file')
    .option('--passphrase-file <file>', 'read the passphrase from this file (else STIGMEM_KEY_PASSPHRASE, else a prompt)')
    .option('--force', 'replace a different key already in the store (kept as a previous key), or restore a key this node has rotated away from')
    .option('--json', 'print the result as JSON')
    .action(action('ceremony restore', restoreAction));
  cmd.command('verify-record')
    .description('check every signature of a ceremony record and that its key changes only through signed rotations')
    .argument('<file>', 'the ceremony-record.jsonl file')
    .option('--public-key <key>', 'the key the record must start with', parsePublicKey)
    .option('--json', 'print the result as JSON')
    .action(action('ceremony verify-record', verifyRecordAction));
  return cmd;
}
