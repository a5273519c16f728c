// The console's HTTP client: what it sends, and how every kind of failure becomes an error envelope.
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY_STORAGE_NAME, createAdminKeyStore, createConsoleClient, createHttpInvoke, type KeyStorage } from '../../../src/shared/console-client.js';

function memoryStorage(initial: Record<string, string> = {}): KeyStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

interface SentRequest {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: () => Response | Promise<Response>): { fetchFn: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { fetchFn, sent };
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createHttpInvoke', () => {
  it('posts the argument as JSON with the key as a Bearer token and returns the envelope', async () => {
    const { fetchFn, sent } = fakeFetch(() => json(200, { ok: true, value: [] }));
    const invoke = createHttpInvoke({ fetchFn, baseUrl: 'http://127.0.0.1:9', currentKey: () => 'k-123' });
    expect(await invoke('facts:recent', { limit: 5 })).toEqual({ ok: true, value: [] });
    expect(await invoke('node:status', undefined)).toEqual({ ok: true, value: [] });
    expect(sent.map((s) => s.url)).toEqual(['http://127.0.0.1:9/console/api/facts:recent', 'http://127.0.0.1:9/console/api/node:status']);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toMatchObject({ authorization: 'Bearer k-123', 'content-type': 'application/json' });
    expect(sent[0]!.init.body).toBe('{"limit":5}');
    expect(sent[1]!.init.body).toBe('null');
    expect(sent[0]!.init.credentials).toBe('omit');
  });

  it('asks for a sign-in without calling the node when there is no key', async () => {
    const { fetchFn, sent } = fakeFetch(() => json(200, { ok: true, value: 1 }));
    const r = await createHttpInvoke({ fetchFn, baseUrl: '', currentKey: () => null })('node:status', undefined);
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(sent).toHaveLength(0);
  });

  it('refuses a key no HTTP header can carry, without calling the node', async () => {
    const { fetchFn, sent } = fakeFetch(() => json(200, { ok: true, value: 1 }));
    for (const key of ['kéy', 'line\nbreak', 'tab\there', '\u0000']) {
      const r = await createHttpInvoke({ fetchFn, baseUrl: '', currentKey: () => key })('node:status', undefined);
      expect(r).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(sent).toHaveLength(0);
  });

  it('maps the node refusals ({detail, code}) to error envelopes', async () => {
    const cases: [Response, string, string][] = [
      [json(401, { detail: 'Invalid or expired API key', code: 'unauthorized' }), 'unauthorized', 'Invalid or expired API key'],
      [json(403, { detail: 'admin permission required', code: 'forbidden' }), 'forbidden', 'admin permission required'],
      [json(422, { detail: [{ type: 'x', loc: ['body'], msg: 'bad' }, { msg: 'worse' }], code: 'validation_failed' }), 'validation_failed', 'bad; worse'],
      [json(400, { detail: { nested: true }, code: 'invalid_json' }), 'invalid_json', 'the node refused the request (HTTP 400)'],
    ];
    for (const [response, code, message] of cases) {
      const { fetchFn } = fakeFetch(() => response);
      expect(await createHttpInvoke({ fetchFn, baseUrl: '', currentKey: () => 'k' })('node:status', undefined)).toEqual({ ok: false, error: { code, message } });
    }
  });

  it('reports unreachable nodes and answers that are not envelopes', async () => {
    const down = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await createHttpInvoke({ fetchFn: down.fetchFn, baseUrl: '', currentKey: () => 'k' })('node:status', undefined)).toEqual({
      ok: false,
      error: { code: 'network_error', message: 'Cannot reach the node: Failed to fetch' },
    });
    const html = fakeFetch(() => new Response('<html>proxy error</html>', { status: 502 }));
    expect(await createHttpInvoke({ fetchFn: html.fetchFn, baseUrl: '', currentKey: () => 'k' })('node:status', undefined)).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    const odd = fakeFetch(() => json(200, { hello: 'world' }));
    expect(await createHttpInvoke({ fetchFn: odd.fetchFn, baseUrl: '', currentKey: () => 'k' })('node:status', undefined)).toMatchObject({ ok: false, error: { code: 'bad_response' } });
  });
});

describe('the admin key store', () => {
  it('keeps a key in storage only once remembered, and forgets it everywhere', () => {
    const storage = memoryStorage();
    const store = createAdminKeyStore(storage);
    expect(store.current()).toBeNull();
    store.use('typed-key');
    expect(store.current()).toBe('typed-key');
    expect(storage.data.size).toBe(0);
    store.remember();
    expect(storage.data.get(ADMIN_KEY_STORAGE_NAME)).toBe('typed-key');
    store.forget();
    expect(store.current()).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it('picks up a key remembered earlier in the session, and works without storage', () => {
    expect(createAdminKeyStore(memoryStorage({ [ADMIN_KEY_STORAGE_NAME]: 'earlier' })).current()).toBe('earlier');
    const noStorage = createAdminKeyStore(null);
    noStorage.use('k');
    noStorage.remember();
    expect(noStorage.current()).toBe('k');
  });

  it('is what the transport sends', async () => {
    const { fetchFn, sent } = fakeFetch(() => json(200, { ok: true, value: null }));
    const transport = createConsoleClient(fetchFn, memoryStorage());
    transport.adminKey.use('from-the-form');
    await transport.api.identity.publicKey();
    expect(sent[0]!.init.headers).toMatchObject({ authorization: 'Bearer from-the-form' });
  });
});
