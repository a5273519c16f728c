// The `stigmem` command line itself: help and version exit 0; a command line that cannot run (an unknown command or
// option, a missing or malformed value, a missing subcommand) says so in one line and exits 2, never 1, which the
// commands keep for "a check failed" (`stigmem status`: something needs attention); input a command cannot use is
// refused in one line without leaving files behind; Ctrl-C at a passphrase prompt exits 130.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../e2e/build.js';
import { runCli, STIGMEM_BIN } from '../../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'stigmem-cli-usage-'));
const cli = (args: string[]) => runCli(args, { cwd: dir, env: { STIGMEM_ADMIN_KEY: 'usage-admin-key-0123456789abcdef0123' } });

beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stigmem usage errors', () => {
  it('exits 0 for --help, help COMMAND and --version', { timeout: 120_000 }, async () => {
    for (const args of [['--help'], ['status', '--help'], ['help', 'data'], ['data', 'backup', '--help'], ['--version']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).not.toBe('');
    }
  });

  it('exits 2 with the reason and a pointer to --help, not the whole help, for a command line that cannot run', { timeout: 180_000 }, async () => {
    const cases: [string[], string][] = [
      [['bogus'], "error: unknown command 'bogus'"],
      [['status', '--bogus'], "error: unknown option '--bogus'"],
      [['audit', '--limit'], "error: option '--limit <n>' argument missing"],
      [['facts', 'write', '--to', 'notaurl'], "error: option '--to <url>' argument 'notaurl' is invalid. must be an http(s) URL"],
      [['identity', 'rotate-key', '--dual-trust-days', 'abc'], "error: option '--dual-trust-days <days>' argument 'abc' is invalid. must be a whole number of days"],
      [['ceremony', 'backup'], "error: required option '--out <file>' not specified"],
      [['data', 'backup'], "error: missing required argument 'file'"],
      [['conformance', '--spawn'], "error: required option '--vectors <dir>' not specified"],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(`${message}\n(add --help for usage)\n`);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 2 with the command list when a command needs a subcommand', { timeout: 120_000 }, async () => {
    for (const args of [[], ['data'], ['ceremony']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Commands:');
    }
  });
});

describe('stigmem --url', () => {
  it('is refused as a usage error unless it is an http(s) URL, before a key rotation begins', { timeout: 180_000 }, async () => {
    for (const args of [['status', '--url', 'notaurl'], ['manifest', 'publish', 'm.json', '--url', 'ftp://node.example']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error: option '--url <url>' argument '.*' is invalid\. must be an http\(s\) URL\n/);
    }
    const folder = join(dir, 'offline-workstation');
    mkdirSync(folder);
    const env = { STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' };
    for (const args of [['ceremony', 'init'], ['manifest', 'sign', '--out', 'manifest.json']]) expect((await runCli(args, { cwd: folder, env })).code, args.join(' ')).toBe(0);
    writeFileSync(join(folder, 'admin.key'), 'usage-admin-key-0123456789abcdef0123\n');
    const key = readFileSync(join(folder, 'stigmem.identity.pem'));
    const r = await runCli(['identity', 'rotate-key', '--manifest', 'manifest.json', '--url', 'notaurl', '--admin-key-file', 'admin.key'], { cwd: folder, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(folder, 'stigmem.identity.pem')).equals(key)).toBe(true);
  });
});

describe('stigmem input it cannot use', () => {
  it('says in one line, exit 2, that a file it was given cannot be read', { timeout: 60_000 }, async () => {
    const r = await cli(['facts', 'write', '--to', 'http://127.0.0.1:1', '--token', dir, '--entity', 'stigmem://org-a.example/x', '--relation', 'memory:status',
      '--value-type', 'string', '--value', 'v', '--source', 'stigmem://org-a.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('stigmem facts write: EISDIR: illegal operation on a directory, read [file_unreadable]\n');
    // What stood in the way is named by a code, as every other command's refusals are.
    const notJson = join(dir, 'token.txt');
    writeFileSync(notJson, 'not a token');
    const bad = await cli(['facts', 'write', '--to', 'http://127.0.0.1:1', '--token', notJson, '--entity', 'stigmem://org-a.example/x', '--relation', 'memory:status',
      '--value-type', 'string', '--value', 'v', '--source', 'stigmem://org-a.example']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/^stigmem facts write: the token file does not hold JSON .*\[token_file_invalid\]\n$/)]);
  });

  it('leaves a folder without a node as it was when a command that needs one refuses', { timeout: 180_000 }, async () => {
    const empty = join(dir, 'not-a-node');
    mkdirSync(empty);
    const env = { STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example', STIGMEM_KEY_PASSPHRASE: 'Twelve brass Bells 60', STIGMEM_BACKUP_PASSPHRASE: 'Twelve brass Bells 60' };
    for (const args of [['data', 'backup', join(dir, 'data.sqlite')], ['data', 'restore', join(dir, 'data.sqlite')], ['ceremony', 'backup', '--out', join(dir, 'key.backup')],
      ['manifest', 'sign', '--out', join(dir, 'manifest.json')], ['identity', 'rotate-key']]) {
      const r = await runCli(args, { cwd: empty, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/has no identity yet; .*\[no_identity\]\n$/);
      expect(readdirSync(empty), args.join(' ')).toEqual([]);
    }
    expect(readdirSync(dir).filter((n) => ['data.sqlite', 'key.backup', 'manifest.json'].includes(n))).toEqual([]);
  });
});

// A terminal for the prompt: util-linux `script` runs the command on a pseudo-terminal.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('stigmem passphrase prompt', () => {
  it.skipIf(!hasScript)('Ctrl-C at the prompt: exit 130 with one line, nothing written', { timeout: 60_000 }, async () => {
    const folder = join(dir, 'prompted');
    mkdirSync(folder);
    const settings = { STIGMEM_KEY_STORE: 'file', STIGMEM_ENTITY_URI: 'stigmem://org-a.example' };
    expect((await runCli(['ceremony', 'init'], { cwd: folder, env: settings })).code).toBe(0);
    const env: Record<string, string> = { ...settings };
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STIGMEM_')) env[k] = v;
    const command = `${process.execPath} ${STIGMEM_BIN} ceremony backup --out key.backup`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: folder, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let asked = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!asked && out.includes('Backup passphrase')) {
        asked = true;
        child.stdin.write('half a pass\u0003');
      }
    });
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    expect(code).toBe(130);
    expect(out).toContain('stigmem ceremony backup: interrupted at the passphrase prompt; nothing was written [interrupted]');
    expect(readdirSync(folder)).not.toContain('key.backup');
  });
});
