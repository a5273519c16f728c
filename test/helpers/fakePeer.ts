// A stand-in peer that speaks the reference node's wire format (unsigned pages, unpadded HLC counters), so tests can
// serve exactly the facts they need — including bad ones — and watch what our puller does.
import http from 'node:http';
import { encodeJson } from '../../src/main/node/json/pyjson.js';
import { canonicalAsciiBytes } from '../../src/main/node/json/canonical.js';
import { computeCid } from '../../src/main/node/facts/cid.js';
import { generateSeed } from '../../src/main/node/crypto/ed25519.js';
import { signerFromSeed, type Signer } from '../../src/main/node/identity/signer.js';
import { closeLocal, listenLocal } from './localServer.js';

export interface FakePeer {
  url: string;
  port: number;
  nodeId: string;
  signer: Signer;
  facts: Record<string, unknown>[];
  /** Paths requested so far (method + path). */
  requests: string[];
  /** The cursor of every page request, in order (null for the first page). */
  pageCursors: (string | null)[];
  /** Set to hold the next /v1/federation/facts response open until the client goes away. */
  hang: boolean;
  closedWhileHanging: number;
  close(): Promise<void>;
}

export function referenceFact(over: { id: string; entity: string; source: string; hlc: string; v?: string; scope?: string; confidence?: number }): Record<string, unknown> {
  const scope = over.scope ?? 'public';
  const confidence = over.confidence ?? 1;
  const v = over.v ?? 'x';
  const cid = computeCid({ entity: over.entity, relation: 'memory:status', valueType: 'string', valueV: v, source: over.source, scope, confidence });
  return {
    id: over.id, entity: over.entity, relation: 'memory:status', value: { type: 'string', v, interpret_as: 'content' }, source: over.source,
    timestamp: '2026-11-23T10:00:00+00:00', hlc: over.hlc, received_from: null, valid_until: null, confidence, scope, cid,
  };
}

export async function startFakePeer(opts: { entityUri?: string; signDeclaration?: boolean } = {}): Promise<FakePeer> {
  const signer = signerFromSeed(generateSeed(), 'test');
  const state: FakePeer = {
    url: '', port: 0, nodeId: `stigmem:node:fake-${Math.random().toString(16).slice(2, 10)}`, signer, facts: [], requests: [], pageCursors: [], hang: false, closedWhileHanging: 0,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/.well-known/stigmem') {
      const doc: Record<string, unknown> = { version: '1.0', node_id: state.nodeId, node_url: state.url, auth: 'required', federation: 'enabled', federation_pubkey: state.signer.publicKey };
      if (opts.entityUri) doc['entity_uri'] = opts.entityUri;
      if (opts.signDeclaration) {
        const declaration = { node_id: state.nodeId, node_url: state.url, federation_pubkey: state.signer.publicKey, allowed_scopes: ['public'], signed_at: '2026-11-23T00:00:00+00:00' };
        doc['declaration'] = declaration;
        doc['declaration_sig'] = state.signer.signB64(canonicalAsciiBytes(declaration));
      }
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(doc));
    }
    if (url.pathname === '/v1/federation/facts') {
      if (state.hang) {
        req.socket.on('close', () => state.closedWhileHanging++);
        return;
      }
      const cursor = url.searchParams.get('cursor');
      state.pageCursors.push(cursor);
      const limit = Number(url.searchParams.get('limit') ?? '100');
      const after = state.facts.filter((f) => cursor === null || String(f['hlc']) > cursor);
      const page = after.slice(0, limit);
      res.setHeader('content-type', 'application/json');
      return res.end(encodeJson({ facts: page, cursor: page.length ? page[page.length - 1]!['hlc'] : cursor, has_more: after.length > limit }));
    }
    res.statusCode = 404;
    res.end('{"detail":"Not Found"}');
  });
  ({ port: state.port, url: state.url } = await listenLocal(server));
  state.close = () => closeLocal(server);
  return state;
}
