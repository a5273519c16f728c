// The desktop node's configuration: STIGMEM_* variables as for `stigmem serve`, with the database in the app's
// per-user data folder unless STIGMEM_DB_PATH says otherwise.
import { join } from 'node:path';
import { loadConfig, readEnvironment, type NodeConfig } from '../node/config/env.js';

export const DESKTOP_DB_FILE = 'stigmem.db';

export function desktopNodeConfig(userDataDir: string, processEnv: Record<string, string | undefined>): { config: NodeConfig; warnings: string[] } {
  // A .env beside the database configures the desktop node like ./.env configures `stigmem serve`.
  const env = readEnvironment(userDataDir, processEnv);
  const configuredDb = env['STIGMEM_DB_PATH']?.trim();
  return loadConfig({ ...env, STIGMEM_DB_PATH: configuredDb ? configuredDb : join(userDataDir, DESKTOP_DB_FILE) });
}
