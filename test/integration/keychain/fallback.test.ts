// Without a usable keychain: `auto` falls back to the 0600 PEM file and says so; `keychain` refuses to start in one line.
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCommand, serve } from './harness.js';

const NO_BUS = ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY'];
const folder = (): string => mkdtempSync(join(tmpdir(), 'stigmem-kc-fallback-'));
const stigmemLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('stigmem:'));
const canLockKeyring = hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon');
if (!canLockKeyring) process.stdout.write('[locked-keyring tests skipped] dbus-run-session or gnome-keyring-daemon is not installed\n');

describe('no D-Bus session bus', () => {
  it('auto: starts with the key in <db>.identity.pem, announcing the file and why, and keeps it across restarts', async () => {
    const dir = folder();
    const first = serve({ cwd: dir, unset: NO_BUS });
    const { nodeId } = await first.listening;
    await first.stop();
    const path = join(dir, 'stigmem.identity.pem');
    const notice = stigmemLines(first.stderr()).find((l) => l.includes('no D-Bus session bus'));
    expect(notice).toContain(path);
    expect(notice).toContain('(mode 0600)');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = serve({ cwd: dir, unset: NO_BUS });
    expect((await second.listening).nodeId).toBe(nodeId);
    await second.stop();
    expect(second.stderr()).toContain(`identity key: key file ${path} (mode 0600)`);
  });

  it('keychain: refuses to start, in one line naming the cause and the way out', async () => {
    const dir = folder();
    const run = serve({ cwd: dir, unset: NO_BUS, env: { STIGMEM_KEY_STORE: 'keychain' } });
    expect(await run.exited).toBe(2);
    expect(stigmemLines(run.stderr())).toEqual(['stigmem: the OS keychain is unavailable: there is no D-Bus session bus; start the node inside a desktop session or with STIGMEM_KEY_STORE=file']);
    expect(readdirSync(dir).filter((f) => f.includes('identity'))).toEqual([]);
  });
});

describe.skipIf(!canLockKeyring)('a locked keyring (its own D-Bus session, no login keyring unlocked)', () => {
  it('keychain: refuses to start with keychain_locked advice', async () => {
    const dir = folder();
    const run = serve({ cwd: dir, isOwnDbusSession: true, env: { STIGMEM_KEY_STORE: 'keychain' } });
    expect(await run.exited).toBe(2);
    expect(stigmemLines(run.stderr())).toEqual(['stigmem: the OS keychain is locked (or has no login keyring); unlock it or start with STIGMEM_KEY_STORE=file']);
  });

  it('auto: falls back to the file and says the keychain was locked', async () => {
    const dir = folder();
    const run = serve({ cwd: dir, isOwnDbusSession: true });
    await run.listening;
    await run.stop();
    const notice = stigmemLines(run.stderr()).find((l) => l.includes('the OS keychain is locked'));
    expect(notice).toContain(join(dir, 'stigmem.identity.pem'));
  });
});

describe.skipIf(!canLockKeyring)('a node whose key is in a keyring that is locked at the next start', () => {
  it('refuses to start instead of generating a new identity, and starts again once the keyring is unlocked', async () => {
    const dir = folder();
    const home = mkdtempSync(join(tmpdir(), 'stigmem-home-'));
    const first = serve({ cwd: dir, isOwnDbusSession: true, home, unlockKeyringWith: 'keyring-password' });
    const { nodeId } = await first.listening;
    await first.stop();
    expect(first.stderr()).toContain(`generated a new identity key in OS keychain (Secret Service), service stigmem-desktop, account ${nodeId}`);
    const locked = serve({ cwd: dir, isOwnDbusSession: true, home });
    expect(await locked.exited).toBe(2);
    const refusal = stigmemLines(locked.stderr());
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(`this node's identity key is`);
    expect(refusal[0]).toContain(`account ${nodeId}`);
    expect(refusal[0]).toContain('will not create a new identity');
    expect(readdirSync(dir).filter((f) => f.includes('identity'))).toEqual([]);
    const unlocked = serve({ cwd: dir, isOwnDbusSession: true, home, unlockKeyringWith: 'keyring-password' });
    expect((await unlocked.listening).nodeId).toBe(nodeId);
    await unlocked.stop();
  });
});
