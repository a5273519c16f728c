// `stigmem conformance` as an operator runs it: output lines, the summary line, exit codes, --json and --url.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnNode, STIGMEM_BIN } from '../../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'stigmem-cli-vectors-'));
mkdirSync(join(dir, 'v1.0'));
writeFileSync(
  join(dir, 'v1.0', '01_small.json'),
  JSON.stringify({
    title: 'small',
    vectors: [
      { id: 'wk-auth-none', method: 'GET', path: '/.well-known/stigmem', body: null, expected_status: 200, expected_body_contains: { auth: 'none', node_url: 'http://testnode' } },
      { id: 'wk-teapot', method: 'GET', path: '/.well-known/stigmem', body: null, expected_status: 418 },
      { id: 'facts-need-auth', method: 'GET', path: '/v1/facts', body: null, expected_status: 401, requires_auth: true },
    ],
  }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stigmem conformance', () => {
  // Generous timeouts: these start real nodes, which is slow on a busy two-core machine.
  it('--spawn: one line per vector on fresh nodes, the summary line, exit 1 on a failure', { timeout: 180_000 }, async () => {
    const r = await runCli(['conformance', '--spawn', '--vectors', dir, '--concurrency', '2'], { timeoutMs: 170_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      'PASS  wk-auth-none  (v1.0/01_small.json)',
      expect.stringMatching(/^FAIL  wk-teapot  \(v1\.0\/01_small\.json\) - expected HTTP 418, got HTTP 200: \{/),
      'PASS  facts-need-auth  (v1.0/01_small.json)',
      'conformance: 2 passed, 1 failed',
    ]);
    expect(r.code).toBe(1);
  });

  it('--url --json: every case against the given node, auth cases skipped, a warning about shared state', { timeout: 180_000 }, async () => {
    const node = await spawnNode({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_NODE_URL: 'http://testnode' }, { timeoutMs: 90_000 });
    try {
      const r = await runCli(['conformance', '--url', node.url, '--vectors', dir, '--json'], { timeoutMs: 90_000 });
      expect(r.stderr).toMatch(/warning: every case runs against .* results depend on that node's state/);
      const report = JSON.parse(r.stdout) as { summary: unknown; results: { id: string; outcome: string }[] };
      expect(report.summary).toEqual({ passed: 1, failed: 1, skipped: 1 });
      expect(report.results.map((x) => [x.id, x.outcome])).toEqual([
        ['wk-auth-none', 'pass'],
        ['wk-teapot', 'fail'],
        ['facts-need-auth', 'skip'],
      ]);
      expect(r.code).toBe(1);
    } finally {
      await node.cleanup();
    }
  });

  it('exits 0 with the plain summary when everything passes', { timeout: 180_000 }, async () => {
    const node = await spawnNode({ STIGMEM_AUTH_REQUIRED: 'false', STIGMEM_NODE_URL: 'http://testnode' }, { timeoutMs: 90_000 });
    const passing = mkdtempSync(join(tmpdir(), 'stigmem-cli-vectors-'));
    writeFileSync(join(passing, 'one.json'), JSON.stringify({ vectors: [{ id: 'health', method: 'GET', path: '/healthz', body: null, expected_status: 200 }] }));
    try {
      const r = await runCli(['conformance', '--url', node.url, '--vectors', passing], { timeoutMs: 90_000 });
      expect(r.stdout.trim().split('\n')).toEqual(['PASS  health  (one.json)', 'conformance: 1 passed, 0 failed']);
      expect(r.code).toBe(0);
    } finally {
      await node.cleanup();
      rmSync(passing, { recursive: true, force: true });
    }
  });

  it('Ctrl-C: exit 130 with one line, and the cases it cut short are not reported as failures', { timeout: 180_000 }, async () => {
    const many = mkdtempSync(join(tmpdir(), 'stigmem-cli-vectors-'));
    for (let i = 0; i < 8; i++) writeFileSync(join(many, `${i}.json`), JSON.stringify({ vectors: [{ id: `health-${i}`, method: 'GET', path: '/healthz', body: null, expected_status: 200 }] }));
    const child = spawn(process.execPath, [STIGMEM_BIN, 'conformance', '--spawn', '--vectors', many, '--concurrency', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    // Interrupted once the first case has reported, while others are still queued.
    await new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), stdout.includes('\n') && res())));
    child.kill('SIGINT');
    try {
      expect(await exited).toBe(130);
      expect(stderr).toBe('stigmem conformance: interrupted before every case ran; stopping the nodes it started [interrupted]\n');
      expect(stdout).not.toContain('FAIL');
      expect(stdout).not.toContain('conformance:');
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('a reader that stops early (| head): no stack trace, and the nodes and folders it started are gone', { timeout: 180_000 }, async () => {
    const many = mkdtempSync(join(tmpdir(), 'stigmem-cli-vectors-'));
    const tmp = mkdtempSync(join(tmpdir(), 'stigmem-cli-tmp-'));
    for (let i = 0; i < 8; i++) writeFileSync(join(many, `${i}.json`), JSON.stringify({ vectors: [{ id: `health-${i}`, method: 'GET', path: '/healthz', body: null, expected_status: 200 }] }));
    const child = spawn(process.execPath, [STIGMEM_BIN, 'conformance', '--spawn', '--vectors', many, '--concurrency', '2'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    child.stdout.once('data', () => child.stdout.destroy());
    try {
      expect(await exited).toBe(130);
      expect(stderr).not.toMatch(/EPIPE|at /);
      expect(readdirSync(tmp).filter((n) => n.startsWith('stigmem-conformance-'))).toEqual([]);
    } finally {
      rmSync(many, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses unclear invocations with exit 2', { timeout: 120_000 }, async () => {
    const neither = await runCli(['conformance', '--vectors', dir]);
    expect(neither.stderr).toContain('give exactly one of --url URL or --spawn');
    expect(neither.code).toBe(2);
    const missing = await runCli(['conformance', '--spawn', '--vectors', join(dir, 'nope')]);
    expect(missing.stderr).toContain('no such folder');
    expect(missing.code).toBe(2);
    const authWithSpawn = await runCli(['conformance', '--spawn', '--auth-url', 'http://127.0.0.1:1', '--vectors', dir]);
    expect(authWithSpawn.code).toBe(2);
    const badConcurrency = await runCli(['conformance', '--spawn', '--vectors', dir, '--concurrency', '0']);
    expect(badConcurrency.stderr).toContain('must be a whole number from 1 to 64');
    expect(badConcurrency.code).toBe(2);
  });
});
