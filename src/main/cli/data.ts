// `stigmem data …`: a copy of this folder's node database (facts, peers, tokens, audit log) and putting one back.
import type { Command } from 'commander';
import type { DataBackupInfo } from '../../shared/data.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passphraseWeakness } from '../../shared/passphrase.js';
import { ConfigError, readEnvironment } from '../node/config/env.js';
import { openSealedBackup, readDataBackup } from '../node/data/backupFile.js';
import { backupFolderDatabase } from '../node/data/folder.js';
import { restoreData } from '../node/data/restore.js';
import { inlineBackupChecker } from '../node/data/backupCheck.js';
import { asResult } from '../node/ceremony/errors.js';
import { action, CliInputError, cliConfig, printOutcome, readPassphrase, row } from './ceremony.js';
import { interruptible } from './interrupt.js';

interface JsonOpt { json?: boolean }
interface SealOpts { passphraseFile?: string }

const PASSPHRASE_ENV = 'STIGMEM_BACKUP_PASSPHRASE';

/** The passphrase of a sealed backup (file, STIGMEM_BACKUP_PASSPHRASE or a prompt); none needed for a plain one. */
async function passphraseFor(file: string, opts: SealOpts, env: Record<string, string | undefined>, required: boolean): Promise<string | undefined> {
  const sealed = (() => {
    try {
      return readDataBackup(file).sealed;
    } catch {
      return false; // the command itself reports what is wrong with the file
    }
  })();
  if (!sealed) return undefined;
  if (!required && opts.passphraseFile === undefined && !env[PASSPHRASE_ENV]) return undefined;
  return readPassphrase(opts.passphraseFile, env, false, PASSPHRASE_ENV);
}

function infoRows(v: DataBackupInfo): string[] {
  return [
    row('file', v.path), row('sealed', v.sealed ? 'yes, under a passphrase' : 'no'), row('taken at', v.takenAt), row('node id', v.nodeId), row('organisation', v.entityUri), row('identity key id', v.keyId),
    row('facts', String(v.facts)), row('peers', String(v.peers)), row('schema', String(v.schemaVersion)), row('size', `${v.bytes} bytes`),
  ];
}

async function backupAction(file: string, opts: JsonOpt & SealOpts & { force?: boolean; seal?: boolean }): Promise<void> {
  const cli = cliConfig('data backup');
  if (!cli) return;
  const passphrase = opts.seal ? await readPassphrase(opts.passphraseFile, cli.env, true, PASSPHRASE_ENV) : undefined;
  const weakness = passphrase === undefined ? null : passphraseWeakness(passphrase);
  if (weakness !== null) throw new CliInputError('passphrase_too_weak', `the passphrase is too weak: ${weakness}`);
  const result = await interruptible(`the partial copy was removed and ${file} left as it was`, (signal) => backupFolderDatabase({ config: cli.config }, file, opts.force === true, passphrase, signal));
  printOutcome('data backup', result, opts.json, (v) => ['stigmem data backup: wrote a copy of the node database', ...infoRows(v), row('sha256', v.sha256),
    'The identity key is not in it: keep its own sealed backup (stigmem ceremony backup) beside this one.']);
}

async function inspectAction(file: string, opts: JsonOpt & SealOpts): Promise<void> {
  // Any folder will do (no node needed), but its ./.env is read as the other commands read it, for the passphrase.
  let env: Record<string, string | undefined>;
  try {
    env = readEnvironment(process.cwd(), process.env);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliInputError('config_invalid', e.message);
    throw e;
  }
  const passphrase = await passphraseFor(file, opts, env, false);
  const result = await asResult(() => (passphrase === undefined ? readDataBackup(file, { check: true }) : inspectSealed(file, passphrase)));
  printOutcome('data inspect', result, opts.json, (v) => [
    v.sealed && passphrase === undefined ? 'stigmem data inspect: a sealed Stigmem database backup; its header says (give the passphrase to check it):' : 'stigmem data inspect: a Stigmem database backup, intact',
    ...infoRows(v),
  ]);
}

/** Open a sealed backup into a private temporary folder, check it, and remove the plain copy. */
async function inspectSealed(file: string, passphrase: string): Promise<DataBackupInfo> {
  const dir = mkdtempSync(join(tmpdir(), 'stigmem-inspect-'));
  try {
    return await openSealedBackup(file, passphrase, join(dir, 'opened.sqlite'), inlineBackupChecker.check);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function restoreAction(file: string, opts: JsonOpt & SealOpts): Promise<void> {
  const cli = cliConfig('data restore');
  if (!cli) return;
  const passphrase = await passphraseFor(file, opts, cli.env, true);
  const result = await restoreData({ config: cli.config }, file, passphrase);
  printOutcome('data restore', result, opts.json, (v) => ['stigmem data restore: the node database is the backup\'s again', ...infoRows(v.restored), row('previous database', v.previousSavedAs),
    row('ceremony record', v.ceremonyRecord.message + (v.ceremonyRecord.savedAs ? ` (${v.ceremonyRecord.savedAs})` : '')),
    'Start the node: facts written since the backup are not in it; peers send theirs again from their cursors.']);
}

/** `stigmem data …`, attached to `program.command('data')`. */
export function configureDataCommand(cmd: Command): Command {
  cmd.description("copies of this folder's node database");
  cmd.command('backup <file>')
    .description('copy the node database (running or not) to <file>, one consistent moment, marked with the node and key it belongs to')
    .option('--force', 'replace an earlier database backup at <file> (never any other file)')
    .option('--seal', 'seal it under a passphrase (--passphrase-file, STIGMEM_BACKUP_PASSPHRASE or asked twice), for a copy that leaves the machine')
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .option('--json', 'print the result as JSON')
    .action(action('data backup', backupAction));
  cmd.command('inspect <file>')
    .description('check a database backup and say what it holds (a sealed one is opened when a passphrase is given)')
    .option('--passphrase-file <file>', 'file holding the passphrase of a sealed backup (else STIGMEM_BACKUP_PASSPHRASE)')
    .option('--json', 'print the result as JSON')
    .action(action('data inspect', inspectAction));
  cmd.command('restore <file>')
    .description("put a database backup of this node back (the node stopped; the database it replaces is kept beside it)")
    .option('--passphrase-file <file>', 'file holding the passphrase of a sealed backup (else STIGMEM_BACKUP_PASSPHRASE or asked)')
    .option('--json', 'print the result as JSON')
    .action(action('data restore', restoreAction));
  return cmd;
}
