// `stigmem facts write --to URL --token FILE …`: write a fact to a peer under the capability token it issued, signed
// by this organisation's key (the one `stigmem serve` uses here, or --key-file).
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, readEnvironment, type NodeConfig } from '../node/config/env.js';
import { usePeerTls } from '../node/federation/http.js';
import { loadTlsMaterial } from '../node/server/tls.js';
import { seedFromPkcs8Pem } from '../node/crypto/ed25519.js';
import { openDatabase } from '../node/db/connection.js';
import { loadNodeKeys } from '../node/identity/keys.js';
import { signerFromSeed, type Signer } from '../node/identity/signer.js';
import { orgEntityFor } from '../node/config/orgEntity.js';
import { RemoteWriteError, tokenFromFile, writeFactToPeer } from '../node/tokens/remoteWrite.js';
import { parseHttpUrl } from './options.js';
import { reportFailure } from './ceremony.js';
import { FileTooLargeError, readTextUpTo } from '../node/boundedRead.js';

/** A key file or a token (or the whole issue response) is a few kilobytes. */
const MAX_SMALL_FILE_BYTES = 256 * 1024;

interface WriteOptions {
  to: string;
  token: string;
  entity: string;
  relation: string;
  valueType: string;
  value?: string;
  source: string;
  confidence: number;
  scope: string;
  validUntil?: string;
  garden?: string;
  signer?: string;
  keyFile?: string;
}

function parseConfidence(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

function fail(message: string, code = 'invalid_argument'): void {
  reportFailure('facts write', { code, message });
}

/** This organisation's signing key: --key-file, else the key `stigmem serve` would use in this folder. */
async function orgSigner(config: NodeConfig, keyFile: string | undefined): Promise<Signer> {
  if (keyFile) return signerFromSeed(seedFromPkcs8Pem(readTextUpTo(keyFile, MAX_SMALL_FILE_BYTES)), `PEM file ${keyFile}`);
  const configured = config.nodePrivateKeyFile || config.nodePrivateKey || (config.federationPrivkey && config.federationPubkey);
  // Without a configured key the node's own stored key is used; never create a new node just to sign one fact.
  if (!configured && !existsSync(config.dbPath)) {
    throw new ConfigError(`no signing key: set STIGMEM_NODE_PRIVATE_KEY_FILE, pass --key-file, or run this where the node's database (${config.dbPath}) is`);
  }
  // A configured key needs no database; an in-memory one keeps this command from creating a node's files here.
  const db = openDatabase(existsSync(config.dbPath) ? config.dbPath : ':memory:');
  try {
    return (await loadNodeKeys(config, db)).org;
  } finally {
    db.raw.close();
  }
}

async function writeAction(opts: WriteOptions): Promise<void> {
  try {
    const { config } = loadConfig(readEnvironment(process.cwd(), process.env));
    // With this folder's mTLS files, the peer's certificate verifies against its CA and ours is presented.
    if (config.tls !== null) usePeerTls(loadTlsMaterial(config.tls));
    const tokenJson = tokenFromFile(readTextUpTo(opts.token, MAX_SMALL_FILE_BYTES));
    const signer = await orgSigner(config, opts.keyFile);
    const signerEntity = opts.signer ?? config.entityUri ?? orgEntityFor(config);
    if (opts.valueType !== 'null' && opts.value === undefined) return fail('--value is required unless --value-type is null');
    const res = await writeFactToPeer({
      to: opts.to, tokenJson, signer, signerEntity,
      fact: {
        entity: opts.entity, relation: opts.relation, valueType: opts.valueType, value: opts.value ?? '', source: opts.source,
        confidence: opts.confidence, scope: opts.scope, validUntil: opts.validUntil ?? null, gardenId: opts.garden ?? null,
      },
    });
    process.stdout.write(`${res.body === undefined ? res.text : JSON.stringify(res.body, null, 2)}\n`);
    if (res.status < 200 || res.status >= 300) process.exitCode = 1;
  } catch (e) {
    if (e instanceof RemoteWriteError) return fail(e.message, e.code);
    if (e instanceof ConfigError) return fail(e.message, 'config_invalid');
    if (e instanceof FileTooLargeError) return fail(e.message);
    const err = e as NodeJS.ErrnoException;
    // A file that cannot be read (missing, a folder, no permission) is the operator's to fix, said in one line.
    if (typeof err.code === 'string' && typeof err.syscall === 'string') return fail(err.message, 'file_unreadable');
    if (e instanceof Error && /PEM|key/i.test(e.message)) return fail(`cannot use the key: ${e.message}`, 'key_invalid');
    throw e;
  }
}

/** `stigmem facts …`, attached to `program.command('facts')`. */
export function configureFactsCommand(cmd: Command): Command {
  cmd.description('write facts to other nodes');
  cmd
    .command('write')
    .description("write a fact to a peer under a capability token it issued, signed with this organisation's key")
    .requiredOption('--to <url>', "the peer's node URL", parseHttpUrl)
    .requiredOption('--token <file>', 'file holding the token JSON (or the whole issue response)')
    .requiredOption('--entity <uri>', 'what the fact is about')
    .requiredOption('--relation <relation>', 'e.g. memory:status')
    .requiredOption('--value-type <type>', 'string, text, number, boolean, datetime, ref or null')
    .option('--value <value>', 'the value (a number literal, true/false, or text)')
    .requiredOption('--source <uri>', "who asserts it: the token's subject or an entity under it")
    .option('--confidence <0..1>', 'confidence', parseConfidence, 1)
    .option('--scope <scope>', 'local, team, company or public', 'local')
    .option('--valid-until <iso>', 'when the fact expires')
    .option('--garden <uri>', 'the garden to write into (a token whose object is that garden)')
    .option('--signer <uri>', 'the organisation signing the fact (default: STIGMEM_ENTITY_URI)')
    .option('--key-file <pem>', "this organisation's Ed25519 PKCS#8 PEM key (default: the key `stigmem serve` uses here)")
    .action(writeAction);
  return cmd;
}
