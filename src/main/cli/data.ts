// `stigmem data …`: a copy of this folder's node database (facts, peers, tokens, audit log) and putting one back.
import type { Command } from 'commander';
import type { DataBackupInfo } from '../../shared/data.js';
import { readDataBackup } from '../node/data/backupFile.js';
import { backupFolderDatabase } from '../node/data/folder.js';
import { restoreData } from '../node/data/restore.js';
import { asResult } from '../node/ceremony/errors.js';
import { action, cliConfig, printOutcome, row } from './ceremony.js';

interface JsonOpt { json?: boolean }

function infoRows(v: DataBackupInfo): string[] {
  return [
    row('file', v.path), row('taken at', v.takenAt), row('node id', v.nodeId), row('organisation', v.entityUri), row('identity key id', v.keyId),
    row('facts', String(v.facts)), row('peers', String(v.peers)), row('schema', String(v.schemaVersion)), row('size', `${v.bytes} bytes`),
  ];
}

async function backupAction(file: string, opts: JsonOpt & { force?: boolean }): Promise<void> {
  const cli = cliConfig('data backup');
  if (!cli) return;
  const result = await backupFolderDatabase({ config: cli.config }, file, opts.force === true);
  printOutcome('data backup', result, opts.json, (v) => ['stigmem data backup: wrote a copy of the node database', ...infoRows(v), row('sha256', v.sha256),
    'The identity key is not in it: keep its own sealed backup (stigmem ceremony backup) beside this one.']);
}

async function inspectAction(file: string, opts: JsonOpt): Promise<void> {
  const result = await asResult(() => readDataBackup(file, { check: true }));
  printOutcome('data inspect', result, opts.json, (v) => ['stigmem data inspect: a Stigmem database backup, intact', ...infoRows(v)]);
}

async function restoreAction(file: string, opts: JsonOpt): Promise<void> {
  const cli = cliConfig('data restore');
  if (!cli) return;
  const result = await restoreData({ config: cli.config }, file);
  printOutcome('data restore', result, opts.json, (v) => ['stigmem data restore: the node database is the backup\'s again', ...infoRows(v.restored), row('previous database', v.previousSavedAs),
    'Start the node: facts written since the backup are not in it; peers send theirs again from their cursors.']);
}

/** `stigmem data …`, attached to `program.command('data')`. */
export function configureDataCommand(cmd: Command): Command {
  cmd.description("copies of this folder's node database");
  cmd.command('backup <file>')
    .description('copy the node database (running or not) to <file>, one consistent moment, marked with the node and key it belongs to')
    .option('--force', 'replace an earlier database backup at <file> (never any other file)')
    .option('--json', 'print the result as JSON')
    .action(action('data backup', backupAction));
  cmd.command('inspect <file>')
    .description('check a database backup and say what it holds')
    .option('--json', 'print the result as JSON')
    .action(action('data inspect', inspectAction));
  cmd.command('restore <file>')
    .description("put a database backup of this node back (the node stopped; the database it replaces is kept beside it)")
    .option('--json', 'print the result as JSON')
    .action(action('data restore', restoreAction));
  return cmd;
}
