// The headless console: the built renderer at /console/ and the admin handler map at POST /console/api/:op, behind
// an admin-permission API key, and only for callers on this machine.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerValue, principalForKey } from '../auth/hook.js';
import { hasPermission } from '../auth/permissions.js';
import { isLoopbackHost } from '../config/env.js';
import { HttpError } from '../errors.js';
import type { App, NodeDeps } from '../server/deps.js';
import { markNodeStarted, runAdminOperation } from './handlers.js';

export const CONSOLE_PREFIX = '/console/';
/** Console arguments are small; a large body is a mistake or an attack. */
export const CONSOLE_BODY_LIMIT_BYTES = 64 * 1024;

/** The page may load only its own scripts and styles, talk only to its own origin, and never be framed. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Headers a forwarding proxy adds; a caller on this machine has no reason to send them. */
export const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'via'] as const;

export interface ConsoleOptions {
  /** Folder holding the built renderer (index.html); found beside the running code when not given. */
  rendererDir?: string | null;
}

/** A connection from this machine (an SSH tunnel's too), judged by the socket, never by a header. */
export function isLoopbackClient(address: string | undefined): boolean {
  return address !== undefined && address !== '' && isLoopbackHost(address.replace(/^::ffff:/i, ''));
}

/** out/renderer of the nearest ancestor that has one (from src/…, out/cli or out/main alike). */
export function findRendererDir(fromDir: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = fromDir;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'out', 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

const unauthorized = (detail: string): HttpError => new HttpError(401, detail, 'unauthorized', { 'WWW-Authenticate': 'Bearer' });

/** The console speaks only to callers holding a key with the admin permission, whatever STIGMEM_AUTH_REQUIRED says. */
async function requireAdminKey(deps: NodeDeps, req: FastifyRequest): Promise<void> {
  const key = bearerValue(req.headers.authorization);
  if (key === null) throw unauthorized('Authorization header required');
  const principal = await principalForKey(deps, req, key);
  if (!principal) throw unauthorized('Invalid or expired API key');
  if (!hasPermission(principal, 'admin')) throw new HttpError(403, 'admin permission required', 'forbidden');
}

function splitUrl(url: string): [path: string, query: string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
}

function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
}

export async function registerConsole(app: App, deps: NodeDeps, opts: ConsoleOptions = {}): Promise<void> {
  markNodeStarted(deps);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (_req, reply) => setSecurityHeaders(reply));

    // A reverse proxy on this machine connects from loopback on behalf of anyone: what it forwards is not this machine.
    scope.addHook('onRequest', async (req) => {
      const via = PROXY_HEADERS.find((h) => req.headers[h] !== undefined);
      if (via !== undefined) {
        throw new HttpError(403, `the console answers only this machine, not requests forwarded by a proxy (${via}); reach it through an SSH tunnel to 127.0.0.1`, 'console_disabled');
      }
    });

    if (!isLoopbackHost(deps.config.host)) {
      // The node listens on a network address for its peers; the console still answers only this machine.
      scope.addHook('onRequest', async (req) => {
        if (!isLoopbackClient(req.socket.remoteAddress)) {
          throw new HttpError(403, `the console answers only this machine (STIGMEM_HOST is ${deps.config.host}); reach it through an SSH tunnel to 127.0.0.1`, 'console_disabled');
        }
      });
    }

    scope.post(
      '/console/api/:op',
      { config: { auth: 'public' }, bodyLimit: CONSOLE_BODY_LIMIT_BYTES, schema: { hide: true } },
      async (req, reply) => {
        await requireAdminKey(deps, req);
        const op = (req.params as { op: string }).op;
        const result = await runAdminOperation(deps, op, req.body, (err) => req.log.error({ err, op }, 'console operation failed'));
        if (!result.ok && result.error.code === 'unknown_operation') {
          throw new HttpError(404, result.error.message, 'unknown_operation');
        }
        reply.header('cache-control', 'no-store');
        return result;
      },
    );

    const rendererDir = opts.rendererDir === undefined ? findRendererDir() : opts.rendererDir;
    if (rendererDir === null || !existsSync(join(rendererDir, 'index.html'))) {
      const notBuilt = async (): Promise<never> => {
        throw new HttpError(503, 'the console is not built: run `npm run build` and restart the node', 'console_not_built');
      };
      scope.get('/console', { config: { auth: 'public' }, schema: { hide: true } }, notBuilt);
      scope.get('/console/*', { config: { auth: 'public' }, schema: { hide: true } }, notBuilt);
      return;
    }

    // The router ignores trailing slashes, so '/console' and '/console/' both land here and never reach the wildcard.
    const indexHtml = join(rendererDir, 'index.html');
    scope.get('/console', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const [path, query] = splitUrl(req.url);
      // The page's asset URLs are relative ('./assets/…'), so it must be loaded from the folder URL.
      if (!path.endsWith('/')) return reply.redirect(`${CONSOLE_PREFIX}${query}`, 301);
      reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      return readFile(indexHtml);
    });

    await scope.register(fastifyStatic, {
      root: rendererDir,
      prefix: CONSOLE_PREFIX,
      decorateReply: false,
      index: ['index.html'],
      dotfiles: 'deny',
      // The page is tiny and changes with every build; always revalidate.
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
    });
  });
}
