// The console's HTTP client: each operation is POST /console/api/<op> with the operator's admin key as a Bearer token.
// DOM-free (fetch and storage are passed in), so it runs in the browser and under test alike.
import { buildStigmemApi, type InvokeOperation } from './client.js';
import { consoleApiPath, type StigmemApi } from './contract.js';
import { fail, isResultEnvelope, type Result } from './result.js';

/** An admin key the operator types; only the console over HTTP needs one (IPC callers are the app itself). */
export interface AdminKeyStore {
  /** Use this key for the next calls (kept in memory until `remember`). */
  use(key: string): void;
  /** Keep the key for this browser tab's session, after the node accepted it. */
  remember(): void;
  forget(): void;
  current(): string | null;
}

/** Where a key lives between page loads: sessionStorage in the browser, a Map in tests. */
export interface KeyStorage {
  getItem(name: string): string | null;
  setItem(name: string, value: string): void;
  removeItem(name: string): void;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export const ADMIN_KEY_STORAGE_NAME = 'stigmem.console.adminKey';

export function createAdminKeyStore(storage: KeyStorage | null): AdminKeyStore {
  let key: string | null = storage?.getItem(ADMIN_KEY_STORAGE_NAME) ?? null;
  return {
    use: (k) => {
      key = k;
    },
    remember: () => {
      if (key !== null) storage?.setItem(ADMIN_KEY_STORAGE_NAME, key);
    },
    forget: () => {
      key = null;
      storage?.removeItem(ADMIN_KEY_STORAGE_NAME);
    },
    current: () => key,
  };
}

/** A detail is a sentence, or a validation list of `{msg}` items (the reference's 422 shape). */
function detailText(detail: unknown): string | null {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return null;
  const messages = detail.map((d: unknown) => (typeof d === 'object' && d !== null ? (d as { msg?: unknown }).msg : undefined)).filter((m): m is string => typeof m === 'string');
  return messages.length > 0 ? messages.join('; ') : null;
}

function errorFromBody(status: number, body: unknown): Result<never> {
  if (typeof body === 'object' && body !== null) {
    const { detail, code } = body as { detail?: unknown; code?: unknown };
    if (typeof code === 'string') {
      return fail(code, detailText(detail) ?? `the node refused the request (HTTP ${status})`);
    }
  }
  return fail('bad_response', `the node answered HTTP ${status} with something other than a result`);
}

export interface HttpInvokeOptions {
  fetchFn: typeof fetch;
  /** Origin of the node ('' for the page's own origin). */
  baseUrl: string;
  currentKey: () => string | null;
}

export function createHttpInvoke({ fetchFn, baseUrl, currentKey }: HttpInvokeOptions): InvokeOperation {
  return async (op, arg) => {
    const key = currentKey();
    if (key === null) return fail('unauthorized', 'Sign in with the admin key to use the console.');
    // fetch throws on header bytes outside printable ASCII; say what is wrong instead of "cannot reach the node".
    if (!PRINTABLE_ASCII.test(key)) return fail('validation_failed', 'An admin key has only printable ASCII characters; check what was pasted.');
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}${consoleApiPath(op)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(arg ?? null),
        credentials: 'omit',
      });
    } catch (e) {
      return fail('network_error', `Cannot reach the node: ${e instanceof Error ? e.message : String(e)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return fail('bad_response', `the node answered HTTP ${response.status} with something other than JSON`);
    }
    if (response.ok && isResultEnvelope(body)) return body;
    return errorFromBody(response.status, body);
  };
}

export interface ConsoleClient {
  api: StigmemApi;
  adminKey: AdminKeyStore;
}

export function createConsoleClient(fetchFn: typeof fetch, storage: KeyStorage | null, baseUrl = ''): ConsoleClient {
  const adminKey = createAdminKeyStore(storage);
  return { api: buildStigmemApi(createHttpInvoke({ fetchFn, baseUrl, currentKey: adminKey.current })), adminKey };
}
