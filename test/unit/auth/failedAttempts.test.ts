// Guessing API keys: each unknown key costs a scrypt, hashed off the event loop; past ten a minute from one address the
// node refuses that address's unseen keys unhashed (429 with Retry-After), while keys in use keep working and other
// addresses are untouched. Refusals are audited once a minute per address.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILED_KEY_LIMIT, FailedAttempts } from '../../../src/main/node/auth/failedAttempts.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { ADMIN_KEY, makeTestNode, type TestNode } from '../../helpers/inject.js';
import { testClock } from '../manifests/fixtures.js';

describe('FailedAttempts', () => {
  it('lets an address fail `limit` times a window, then says how long to wait; other addresses are apart', () => {
    const f = new FailedAttempts(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(f.retryAfterS('a', 1_000 + i)).toBe(0);
      f.note('a', 1_000 + i);
    }
    expect(f.retryAfterS('a', 1_003)).toBe(60);
    expect(f.retryAfterS('a', 30_500)).toBe(31);
    expect(f.retryAfterS('b', 1_003)).toBe(0);
    // The oldest failure leaves the window: one more try.
    expect(f.retryAfterS('a', 61_001)).toBe(0);
  });

  it('forgets every address rather than growing past its bound', () => {
    const f = new FailedAttempts(1, 60_000, 2);
    f.note('a', 0);
    f.note('b', 0);
    expect(f.retryAfterS('a', 1)).toBeGreaterThan(0);
    f.note('c', 0);
    expect([f.retryAfterS('a', 1), f.retryAfterS('b', 1), f.retryAfterS('c', 1)]).toEqual([0, 0, 60]);
  });
});

describe('unknown API keys against a node', () => {
  let n: TestNode;
  const clock = testClock();
  beforeEach(async () => {
    n = await makeTestNode({}, { clock });
  });
  afterEach(async () => n.close());

  const call = (key: string, remoteAddress = '192.0.2.7') => n.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` }, remoteAddress });
  const guess = (i: number) => `guessed-key-${String(i).padStart(4, '0')}-0123456789abcdef0123`;

  it('refuses an address past ten unknown keys a minute, unhashed, and keeps answering keys in use and other addresses', async () => {
    // The admin key was used from this address before the guessing started.
    expect((await call(ADMIN_KEY)).statusCode).toBe(200);
    for (let i = 0; i < FAILED_KEY_LIMIT; i++) expect((await call(guess(i))).statusCode, `guess ${i}`).toBe(401);
    const refused = await call(guess(99));
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'auth_rate_limited', detail: expect.stringContaining('retry in 60 s') });
    expect(refused.headers['retry-after']).toBe('60');
    expect((await call(ADMIN_KEY)).statusCode).toBe(200);
    expect((await call(guess(100), '192.0.2.8')).statusCode).toBe(401);
    // The console's sign-in is behind the same rule.
    const consoleCall = await n.app.inject({ method: 'POST', url: '/console/api/node:status', headers: { authorization: `Bearer ${guess(101)}`, 'content-type': 'application/json' }, payload: '{}', remoteAddress: '192.0.2.7' });
    expect(consoleCall.statusCode).toBe(429);
    // A minute after the first guess the address may try again.
    clock.advance(60_001);
    expect((await call(guess(102))).statusCode).toBe(401);
    const events = n.deps.db.all<{ actor: string; detail: string }>(sql`SELECT actor, detail FROM audit_events WHERE event_type = 'api_key_refused' ORDER BY seq`);
    expect(events.map((e) => e.actor)).toEqual(['192.0.2.7', '192.0.2.8', '192.0.2.7']);
    expect(JSON.stringify(events)).not.toContain('guessed-key');
  });

  it('counts guesses from every IPv6 address of one /64 together, and another /64 apart', async () => {
    const host = (i: number) => `2001:db8:aa:bb::${(i + 1).toString(16)}`;
    for (let i = 0; i < FAILED_KEY_LIMIT; i++) expect((await call(guess(i), host(i))).statusCode, `guess ${i}`).toBe(401);
    expect((await call(guess(99), host(99))).statusCode).toBe(429);
    expect((await call(guess(100), '2001:db8:aa:bc::1')).statusCode).toBe(401);
  });

  it("hashes an unknown key off the node's thread (its timers run while the key is checked)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      expect(await n.deps.apiKeys.check(guess(1), '192.0.2.9')).toEqual({ kind: 'unknown' });
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('unknown API keys behind a reverse proxy', () => {
  const guess = (i: number) => `proxied-guess-${String(i).padStart(4, '0')}-0123456789abcdef`;
  const via = (n: TestNode, key: string, forwardedFor: string) =>
    n.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': forwardedFor }, remoteAddress: '127.0.0.1' });

  it('counts each caller the trusted proxy names apart, and ignores the header from anyone else', async () => {
    const behind = await makeTestNode({ STIGMEM_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' });
    try {
      for (let i = 0; i < FAILED_KEY_LIMIT; i++) expect((await via(behind, guess(i), '198.51.100.7')).statusCode).toBe(401);
      expect((await via(behind, guess(50), '198.51.100.7')).statusCode).toBe(429);
      // Another caller through the same proxy is not held for the first one's guesses.
      expect((await via(behind, guess(51), '198.51.100.8')).statusCode).toBe(401);
    } finally {
      await behind.close();
    }
    const direct = await makeTestNode();
    try {
      // Without a trusted proxy the header is anyone's to write: the connection's address counts.
      for (let i = 0; i < FAILED_KEY_LIMIT; i++) expect((await via(direct, guess(i), `198.51.100.${i}`)).statusCode).toBe(401);
      expect((await via(direct, guess(60), '198.51.100.200')).statusCode).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('refuses a value that is not an address or range, naming it', async () => {
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', '1.2.3.4/x']) {
      await expect(makeTestNode({ STIGMEM_TRUSTED_PROXIES: bad })).rejects.toThrow(`STIGMEM_TRUSTED_PROXIES: ${JSON.stringify(bad)} is not an IP address or CIDR range`);
    }
  });
});

