// Where the automatic backup settings come from: STIGMEM_BACKUP_DIR (and its two companions) when set, which the
// screen cannot change; else what the operator chose on the Data screen, kept in node_settings.
import { getSetting } from '../admin/settings.js';
import type { NodeDeps } from '../server/deps.js';

export const SETTING_AUTOMATIC_BACKUP = 'automatic_backup';

export interface AutomaticBackupSettings {
  dir: string;
  intervalMinutes: number;
  keep: number;
}

export interface AutomaticBackupState extends AutomaticBackupSettings {
  nextAt: string | null;
  lastError: string | null;
  sealed: boolean;
}

function stored(deps: NodeDeps): AutomaticBackupSettings | null {
  const raw = getSetting(deps.db, SETTING_AUTOMATIC_BACKUP);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as Partial<AutomaticBackupSettings>;
    if (typeof v.dir !== 'string' || !Number.isInteger(v.intervalMinutes) || !Number.isInteger(v.keep)) return null;
    return { dir: v.dir, intervalMinutes: v.intervalMinutes!, keep: v.keep! };
  } catch {
    return null;
  }
}

export function automaticBackupSettings(deps: NodeDeps): { settings: AutomaticBackupSettings; source: 'environment' | 'screen' } | null {
  const { backupDir, backupIntervalMin, backupKeep } = deps.config;
  if (backupDir !== null) return { settings: { dir: backupDir, intervalMinutes: backupIntervalMin, keep: backupKeep }, source: 'environment' };
  const s = stored(deps);
  return s === null ? null : { settings: s, source: 'screen' };
}
