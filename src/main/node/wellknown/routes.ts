// GET /.well-known/stigmem, GET /healthz, GET /v1/doctor: always open.
import { Type } from 'typebox';
import { isoFromMs } from '../clock.js';
import type { App, NodeDeps } from '../server/deps.js';
import { DEFAULT_ALLOWED_SCOPES, signDeclaration, wellKnownDocument } from './document.js';

export function registerWellKnown(app: App, deps: NodeDeps): void {
  // The declaration is signed once at start (CONTRACT.md: signed_at is the start time).
  const signed = signDeclaration(deps, isoFromMs(deps.clock.nowMs()), [...DEFAULT_ALLOWED_SCOPES]);

  app.get('/.well-known/stigmem', {
    config: { auth: 'public' },
    schema: { tags: ['discovery'], summary: 'Node discovery document', security: [], response: { 200: Type.Object({}, { additionalProperties: true }) } },
  }, async () => wellKnownDocument(deps, signed));

  app.get('/healthz', {
    config: { auth: 'public' },
    schema: { tags: ['discovery'], summary: 'Liveness', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/v1/doctor', {
    config: { auth: 'public' },
    schema: { tags: ['discovery'], summary: 'Self-check', security: [] },
  }, async () => {
    // Open to anyone, so it must cost nothing: the database answering a read, not a scan of every page.
    let database: 'ok' | 'unavailable' = 'ok';
    try {
      deps.db.get({ text: 'SELECT 1 FROM node_meta LIMIT 1', params: [] });
    } catch {
      database = 'unavailable';
    }
    return { status: database === 'ok' ? 'ok' : 'degraded', memory_garden_acl_filtering: true, database };
  });
}
