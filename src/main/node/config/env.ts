// The node's configuration, read from STIGMEM_* variables (and a .env file), validated once at start.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { passphraseWeakness } from '../../../shared/passphrase.js';
import { isUriLike } from '../../../shared/uri.js';

export type TrustMode = 'off' | 'relaxed' | 'strict';
export type KeyStoreKind = 'auto' | 'keychain' | 'file' | 'encrypted-file';
export type SourceAttestationMode = 'off' | 'warn' | 'enforce';

export interface NodeConfig {
  port: number;
  host: string;
  dbPath: string;
  nodeUrl: string;
  entityUri: string | null;
  nodeId: string | null;
  authRequired: boolean;
  adminKey: string | null;
  federationEnabled: boolean;
  federationPubkey: string | null;
  federationPrivkey: string | null;
  nodePrivateKeyFile: string | null;
  nodePrivateKey: string | null;
  keyStore: KeyStoreKind;
  keyPassphrase: string | null;
  pullIntervalS: number;
  nonceWindowS: number;
  peerTokenLeewayS: number;
  hlcMaxFutureSkewS: number;
  hlcMaxPastSkewS: number;
  allowTeam: boolean;
  pushEnabled: boolean;
  trustMode: TrustMode;
  /** The weights of the trust formula's four parts (REFERENCE-NODE.md §7). */
  trustWeights: TrustWeights;
  quarantineThreshold: number;
  quarantineGardenId: string | null;
  /** Requests per hour and caller on /v1 (federation routes excepted); 0 switches the limit off. */
  rateLimitWritePerHour: number;
  rateLimitReadPerHour: number;
  sourceAttestationMode: SourceAttestationMode;
  maxBodyBytes: number;
  logLevel: string;
  /** Where automatic database backups go (null: none), how often, and how many are kept. */
  backupDir: string | null;
  backupIntervalMin: number;
  backupKeep: number;
  /** Seals automatic backups (and is the CLI's passphrase for `stigmem data`); never stored by the node. */
  backupPassphrase: string | null;
  /** Days routine progress events (pull_completed) stay in the audit log; 0 keeps them. Changes and refusals stay. */
  auditProgressRetentionDays: number;
  /** Below this much free space (MiB) on the database's disk the Overview warns; 0 turns the warning off. */
  diskWarnFreeMb: number;
  /** mTLS (STIGMEM_TLS_CERT_PATH, _KEY_PATH, _CA_BUNDLE): the node serves HTTPS and pulls with its certificate. */
  tls: TlsPaths | null;
  /** Seconds between checks of the mTLS files for renewed ones; 0 reloads them only on SIGHUP. */
  tlsReloadCheckS: number;
  /** Reverse proxies whose X-Forwarded-For names the caller (addresses or CIDR ranges); empty: the connection does. */
  trustedProxies: string[];
}

export interface TlsPaths {
  certPath: string;
  keyPath: string;
  caBundlePath: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const BOOL_TRUE = new Set(['1', 'true', 'yes', 'on', 't', 'y']);
const BOOL_FALSE = new Set(['0', 'false', 'no', 'off', 'f', 'n', '']);

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const v = env[name];
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  if (BOOL_TRUE.has(t)) return true;
  if (BOOL_FALSE.has(t)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(v)} is not a boolean (use true or false)`);
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === null) return dflt;
  if (!/^-?\d+$/.test(v)) throw new ConfigError(`${name}=${JSON.stringify(v)} is not a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(`${name}=${v} is out of range (${min}..${max})`);
  return n;
}

function num(env: Env, name: string, dflt: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === null) return dflt;
  const n = Number(v);
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) || !Number.isFinite(n)) {
    throw new ConfigError(`${name}=${JSON.stringify(v)} is not a number`);
  }
  if (n < min || n > max) throw new ConfigError(`${name}=${v} is out of range (${min}..${max})`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, dflt: T, allowed: readonly T[]): T {
  const v = str(env, name);
  if (v === null) return dflt;
  const t = v.toLowerCase() as T;
  if (!allowed.includes(t)) throw new ConfigError(`${name}=${JSON.stringify(v)} must be one of ${allowed.join(', ')}`);
  return t;
}

function httpUrl(env: Env, name: string, dflt: string): string {
  const v = str(env, name);
  if (v === null) return dflt;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(v)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL`);
  return v.replace(/\/+$/, '');
}

export interface TrustWeights {
  identity: number;
  peer_history: number;
  scope_authority: number;
  attestation_mode: number;
}

/** Every STIGMEM_* name the node knows; anything else only warns. */
export const KNOWN_VARIABLES = new Set([
  'STIGMEM_PORT', 'STIGMEM_HOST', 'STIGMEM_DB_PATH', 'STIGMEM_NODE_URL', 'STIGMEM_ENTITY_URI', 'STIGMEM_NODE_ID',
  'STIGMEM_AUTH_REQUIRED', 'STIGMEM_ADMIN_KEY', 'STIGMEM_BOOTSTRAP_KEY', 'STIGMEM_FEDERATION_ENABLED',
  'STIGMEM_FEDERATION_PUBKEY', 'STIGMEM_FEDERATION_PRIVKEY', 'STIGMEM_NODE_PRIVATE_KEY_FILE', 'STIGMEM_NODE_PRIVATE_KEY',
  'STIGMEM_KEY_STORE', 'STIGMEM_KEY_PASSPHRASE', 'STIGMEM_FEDERATION_PULL_INTERVAL_S', 'STIGMEM_FEDERATION_NONCE_WINDOW_S',
  'STIGMEM_PEER_TOKEN_LEEWAY_S', 'STIGMEM_FEDERATION_HLC_MAX_FUTURE_SKEW_S', 'STIGMEM_FEDERATION_HLC_MAX_PAST_SKEW_S',
  'STIGMEM_FEDERATION_ALLOW_TEAM', 'STIGMEM_FEDERATION_PUSH_ENABLED', 'STIGMEM_TRUST_MODE',
  'STIGMEM_TRUST_QUARANTINE_THRESHOLD', 'STIGMEM_QUARANTINE_TRUST_THRESHOLD', 'STIGMEM_QUARANTINE_GARDEN_ID',
  'STIGMEM_SOURCE_ATTESTATION_MODE', 'STIGMEM_AT_REST_ENCRYPTION', 'STIGMEM_MAX_BODY_BYTES', 'STIGMEM_LOG_LEVEL',
  'STIGMEM_FEDERATION_INSECURE', 'STIGMEM_LOCAL_DEV_ALLOW_INSECURE_NON_LOOPBACK', 'STIGMEM_TRUST_WEIGHT_IDENTITY',
  'STIGMEM_TRUST_WEIGHT_PEER_HISTORY', 'STIGMEM_TRUST_WEIGHT_SCOPE_AUTHORITY', 'STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE',
  'STIGMEM_RATE_LIMIT_WRITE_PER_HOUR', 'STIGMEM_RATE_LIMIT_READ_PER_HOUR', 'STIGMEM_RATE_LIMIT_DISABLED_ACK',
  'STIGMEM_BACKUP_DIR', 'STIGMEM_BACKUP_INTERVAL_MIN', 'STIGMEM_BACKUP_KEEP', 'STIGMEM_BACKUP_PASSPHRASE',
  'STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS', 'STIGMEM_DISK_WARN_FREE_MB', 'STIGMEM_TLS_CERT_PATH', 'STIGMEM_TLS_KEY_PATH',
  'STIGMEM_TLS_CA_BUNDLE', 'STIGMEM_TLS_RELOAD_CHECK_S', 'STIGMEM_TRUSTED_PROXIES',
]);

/** `STIGMEM_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8`: each an IPv4 or IPv6 address, with an optional prefix length. */
function trustedProxies(env: Env): string[] {
  const raw = str(env, 'STIGMEM_TRUSTED_PROXIES');
  if (raw === null) return [];
  const items = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const item of items) {
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address ?? '');
    const bits = prefix === undefined ? null : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== null && (!/^\d+$/.test(prefix!) || bits > maxBits))) {
      throw new ConfigError(`STIGMEM_TRUSTED_PROXIES: ${JSON.stringify(item)} is not an IP address or CIDR range (e.g. 127.0.0.1 or 10.0.0.0/8)`);
    }
  }
  return items;
}

/** The three mTLS files, all or none (as the reference: a certificate and key without a CA bundle is refused). */
function tlsPaths(env: Env): TlsPaths | null {
  const [cert, key, ca] = [str(env, 'STIGMEM_TLS_CERT_PATH'), str(env, 'STIGMEM_TLS_KEY_PATH'), str(env, 'STIGMEM_TLS_CA_BUNDLE')];
  if (cert === null && key === null && ca === null) return null;
  if (cert === null || key === null) throw new ConfigError('STIGMEM_TLS_CERT_PATH and STIGMEM_TLS_KEY_PATH must be set together');
  if (ca === null) throw new ConfigError('STIGMEM_TLS_CA_BUNDLE is required with STIGMEM_TLS_CERT_PATH: it is the CA that signs the peers\' certificates');
  return { certPath: resolve(cert), keyPath: resolve(key), caBundlePath: resolve(ca) };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** How this machine reaches the node on `port`: a wildcard bind through loopback, over HTTPS when it serves mTLS. */
export function localNodeUrl(config: Pick<NodeConfig, 'host' | 'tls'>, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${port}`;
}

const SECRET_VARIABLES = ['STIGMEM_ADMIN_KEY', 'STIGMEM_BOOTSTRAP_KEY', 'STIGMEM_KEY_PASSPHRASE', 'STIGMEM_BACKUP_PASSPHRASE'] as const;

/** Read the configuration; throws ConfigError with one line naming the bad variable. */
export function loadConfig(env: Env): { config: NodeConfig; warnings: string[] } {
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith('STIGMEM_') && !KNOWN_VARIABLES.has(name)) warnings.push(`unknown variable ${name} is ignored`);
  }
  // The settings file shipped for servers holds placeholders for its secrets; a node never runs on them.
  for (const name of SECRET_VARIABLES) {
    if (env[name]?.trim().toLowerCase().startsWith('change-me')) {
      const resealed = name === 'STIGMEM_KEY_PASSPHRASE' ? ' (a key file sealed under the placeholder is sealed again under it at the next start)' : '';
      throw new ConfigError(`${name} is still the settings file's placeholder (${env[name]!.trim().slice(0, 60)}): set a secret of your own${resealed}`);
    }
  }
  if (bool(env, 'STIGMEM_AT_REST_ENCRYPTION', false)) {
    throw new ConfigError('STIGMEM_AT_REST_ENCRYPTION=on is not supported by this node yet; unset it to start');
  }
  const port = int(env, 'STIGMEM_PORT', 8765, 0, 65535);
  const host = str(env, 'STIGMEM_HOST') ?? '127.0.0.1';
  const nodeUrl = httpUrl(env, 'STIGMEM_NODE_URL', `http://localhost:${port}`);
  const authRequired = bool(env, 'STIGMEM_AUTH_REQUIRED', true);
  if (!authRequired && !isLoopbackHost(host) && !bool(env, 'STIGMEM_LOCAL_DEV_ALLOW_INSECURE_NON_LOOPBACK', false)) {
    throw new ConfigError(`STIGMEM_AUTH_REQUIRED=false needs a loopback STIGMEM_HOST (got ${host})`);
  }
  const entityUri = str(env, 'STIGMEM_ENTITY_URI');
  if (entityUri !== null && !isUriLike(entityUri)) {
    throw new ConfigError(`STIGMEM_ENTITY_URI=${JSON.stringify(entityUri)} is not a URI`);
  }
  const adminKey = str(env, 'STIGMEM_ADMIN_KEY') ?? str(env, 'STIGMEM_BOOTSTRAP_KEY');
  if (adminKey !== null && adminKey.length < 32) warnings.push(`STIGMEM_ADMIN_KEY is short (${adminKey.length} characters); use at least 32 random characters`);
  const pub = str(env, 'STIGMEM_FEDERATION_PUBKEY');
  const priv = str(env, 'STIGMEM_FEDERATION_PRIVKEY');
  if ((pub === null) !== (priv === null)) {
    throw new ConfigError('STIGMEM_FEDERATION_PUBKEY and STIGMEM_FEDERATION_PRIVKEY must be set together');
  }
  const threshold =
    str(env, 'STIGMEM_TRUST_QUARANTINE_THRESHOLD') !== null
      ? num(env, 'STIGMEM_TRUST_QUARANTINE_THRESHOLD', 0.3, 0, 1)
      : num(env, 'STIGMEM_QUARANTINE_TRUST_THRESHOLD', 0.3, 0, 1);
  const writePerHour = int(env, 'STIGMEM_RATE_LIMIT_WRITE_PER_HOUR', 1000, 0, 100_000_000);
  const readPerHour = int(env, 'STIGMEM_RATE_LIMIT_READ_PER_HOUR', 5000, 0, 100_000_000);
  // Turning every limit off is a decision, not an accident (as in the reference).
  if (writePerHour === 0 && readPerHour === 0 && !bool(env, 'STIGMEM_RATE_LIMIT_DISABLED_ACK', false)) {
    throw new ConfigError('STIGMEM_RATE_LIMIT_WRITE_PER_HOUR and STIGMEM_RATE_LIMIT_READ_PER_HOUR are both 0: set STIGMEM_RATE_LIMIT_DISABLED_ACK=1 to run without rate limits');
  }
  const dbPath = str(env, 'STIGMEM_DB_PATH') === ':memory:' ? ':memory:' : resolve(str(env, 'STIGMEM_DB_PATH') ?? 'stigmem.db');
  let backupDir = str(env, 'STIGMEM_BACKUP_DIR');
  if (backupDir !== null && dbPath === ':memory:') {
    warnings.push('STIGMEM_BACKUP_DIR is ignored: a node on STIGMEM_DB_PATH=:memory: has no database file to back up');
    backupDir = null;
  }
  const backupPassphrase = env['STIGMEM_BACKUP_PASSPHRASE'] === undefined || env['STIGMEM_BACKUP_PASSPHRASE'] === '' ? null : env['STIGMEM_BACKUP_PASSPHRASE'];
  const weakness = backupPassphrase === null ? null : passphraseWeakness(backupPassphrase);
  if (weakness !== null) throw new ConfigError(`STIGMEM_BACKUP_PASSPHRASE is too weak to seal backups: ${weakness}`);
  const config: NodeConfig = {
    port,
    host,
    dbPath,
    nodeUrl,
    entityUri,
    nodeId: str(env, 'STIGMEM_NODE_ID'),
    authRequired,
    adminKey,
    federationEnabled: bool(env, 'STIGMEM_FEDERATION_ENABLED', false),
    federationPubkey: pub,
    federationPrivkey: priv,
    nodePrivateKeyFile: str(env, 'STIGMEM_NODE_PRIVATE_KEY_FILE'),
    nodePrivateKey: str(env, 'STIGMEM_NODE_PRIVATE_KEY'),
    keyStore: oneOf(env, 'STIGMEM_KEY_STORE', 'auto', ['auto', 'keychain', 'file', 'encrypted-file'] as const),
    keyPassphrase: env['STIGMEM_KEY_PASSPHRASE'] ?? null,
    pullIntervalS: num(env, 'STIGMEM_FEDERATION_PULL_INTERVAL_S', 30, 0.05, 86400),
    nonceWindowS: int(env, 'STIGMEM_FEDERATION_NONCE_WINDOW_S', 300, 1, 86400 * 7),
    peerTokenLeewayS: int(env, 'STIGMEM_PEER_TOKEN_LEEWAY_S', 30, 0, 3600),
    hlcMaxFutureSkewS: int(env, 'STIGMEM_FEDERATION_HLC_MAX_FUTURE_SKEW_S', 300, 0, 86400 * 365),
    hlcMaxPastSkewS: int(env, 'STIGMEM_FEDERATION_HLC_MAX_PAST_SKEW_S', 2_592_000, 0, 86400 * 3650),
    allowTeam: bool(env, 'STIGMEM_FEDERATION_ALLOW_TEAM', false),
    pushEnabled: bool(env, 'STIGMEM_FEDERATION_PUSH_ENABLED', false),
    trustMode: oneOf(env, 'STIGMEM_TRUST_MODE', 'relaxed', ['off', 'relaxed', 'strict'] as const),
    trustWeights: {
      identity: num(env, 'STIGMEM_TRUST_WEIGHT_IDENTITY', 0.35, 0, 1),
      peer_history: num(env, 'STIGMEM_TRUST_WEIGHT_PEER_HISTORY', 0.3, 0, 1),
      scope_authority: num(env, 'STIGMEM_TRUST_WEIGHT_SCOPE_AUTHORITY', 0.25, 0, 1),
      attestation_mode: num(env, 'STIGMEM_TRUST_WEIGHT_ATTESTATION_MODE', 0.1, 0, 1),
    },
    quarantineThreshold: threshold,
    quarantineGardenId: str(env, 'STIGMEM_QUARANTINE_GARDEN_ID'),
    rateLimitWritePerHour: writePerHour,
    rateLimitReadPerHour: readPerHour,
    sourceAttestationMode: oneOf(env, 'STIGMEM_SOURCE_ATTESTATION_MODE', 'off', ['off', 'warn', 'enforce'] as const),
    maxBodyBytes: int(env, 'STIGMEM_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: oneOf(env, 'STIGMEM_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    backupDir: backupDir === null ? null : resolve(backupDir),
    backupIntervalMin: int(env, 'STIGMEM_BACKUP_INTERVAL_MIN', 1440, 1, 525_600),
    backupKeep: int(env, 'STIGMEM_BACKUP_KEEP', 7, 1, 1000),
    backupPassphrase,
    auditProgressRetentionDays: int(env, 'STIGMEM_AUDIT_PROGRESS_RETENTION_DAYS', 90, 0, 36_500),
    diskWarnFreeMb: int(env, 'STIGMEM_DISK_WARN_FREE_MB', 1024, 0, 1_000_000_000),
    tls: tlsPaths(env),
    tlsReloadCheckS: int(env, 'STIGMEM_TLS_RELOAD_CHECK_S', 5, 0, 86_400),
    trustedProxies: trustedProxies(env),
  };
  return { config, warnings };
}

/** process.env over a .env file in the working folder (the environment wins, as the reference's settings do). */
export function readEnvironment(cwd: string, processEnv: Env): Env {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return { ...processEnv };
  let fromFile: Env;
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Env;
  } catch (e) {
    throw new ConfigError(`.env could not be read: ${(e as Error).message}`);
  }
  return { ...fromFile, ...processEnv };
}
