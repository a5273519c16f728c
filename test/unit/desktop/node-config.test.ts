// The desktop node keeps its database in the per-user data folder unless STIGMEM_DB_PATH says otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_DB_FILE, desktopNodeConfig } from '../../../src/main/desktop/node-config.js';

let userData: string;
beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'stigmem-userdata-'));
});
afterEach(() => {
  rmSync(userData, { recursive: true, force: true });
});

describe('desktopNodeConfig', () => {
  it('puts the database in the user data folder by default', () => {
    expect(desktopNodeConfig(userData, {}).config.dbPath).toBe(join(userData, DESKTOP_DB_FILE));
    expect(desktopNodeConfig(userData, { STIGMEM_DB_PATH: '  ' }).config.dbPath).toBe(join(userData, DESKTOP_DB_FILE));
  });

  it('honours STIGMEM_DB_PATH and the other STIGMEM_* variables', () => {
    const elsewhere = join(userData, 'elsewhere.db');
    const { config } = desktopNodeConfig(userData, { STIGMEM_DB_PATH: elsewhere, STIGMEM_PORT: '8100' });
    expect(config.dbPath).toBe(elsewhere);
    expect(config.port).toBe(8100);
  });

  it('reads a .env beside the database, with the environment winning', () => {
    writeFileSync(join(userData, '.env'), 'STIGMEM_PORT=8200\nSTIGMEM_ENTITY_URI=stigmem://org.example\n');
    const { config } = desktopNodeConfig(userData, { STIGMEM_PORT: '8300' });
    expect(config.port).toBe(8300);
    expect(config.entityUri).toBe('stigmem://org.example');
  });
});
