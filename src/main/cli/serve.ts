// `stigmem serve`: the node headless, configured by STIGMEM_* variables and ./.env.
import { ConfigError, loadConfig, readEnvironment } from '../node/config/env.js';
import { DatabaseVersionError } from '../node/db/connection.js';
import { dirname } from 'node:path';
import { databaseOpenProblem } from '../node/db/openFailure.js';
import { fileURLToPath } from 'node:url';
import { builtBackupCheckWorker } from '../node/data/backupCheck.js';
import { builtPageWorker } from '../node/federation/pageFetcher.js';
import { startNode, type RunningNode } from '../node/runtime.js';
import { NodeRunningError } from '../node/runLock.js';

export async function serveCommand(): Promise<void> {
  let node: RunningNode;
  let dbPath = '';
  try {
    const { config, warnings } = loadConfig(readEnvironment(process.cwd(), process.env));
    dbPath = config.dbPath;
    for (const w of warnings) process.stderr.write(`stigmem: warning: ${w}\n`);
    node = await startNode(config, {
      logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-stigmem-capability"]'] },
      onUpgrade: (m) => process.stderr.write(`stigmem: upgrading the database to schema ${m.version} (${m.name})\n`),
      pageWorkerFile: builtPageWorker(dirname(fileURLToPath(import.meta.url))),
      backupCheckWorkerFile: builtBackupCheckWorker(dirname(fileURLToPath(import.meta.url))),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DatabaseVersionError || e instanceof NodeRunningError) {
      process.stderr.write(`stigmem: ${e.message}\n`);
      process.exit(2);
    }
    const problem = databaseOpenProblem(e, dbPath);
    if (problem !== null) {
      process.stderr.write(`stigmem: ${problem}\n`);
      process.exit(2);
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`stigmem: cannot listen: ${err.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  for (const n of node.notices) process.stderr.write(`stigmem: ${n}\n`);
  const { backupDir, backupIntervalMin, backupKeep } = node.deps.config;
  if (backupDir !== null) process.stderr.write(`stigmem: automatic database backups every ${backupIntervalMin} min into ${backupDir}, keeping ${backupKeep}\n`);
  process.stdout.write(`stigmem: node ${node.deps.nodeId} listening on ${node.url} (advertised as ${node.deps.config.nodeUrl})\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`stigmem: ${signal} received, stopping\n`);
    node.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // `systemctl reload` (SIGHUP): renewed mTLS files now, not at the next check.
  process.on('SIGHUP', () => {
    const r = node.reloadTls();
    process.stderr.write(`stigmem: SIGHUP: ${r === null ? 'no TLS files to reload (STIGMEM_TLS_* is not set)' : r.message}\n`);
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
