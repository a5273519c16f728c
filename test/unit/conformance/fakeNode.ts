// A tiny HTTP server on 127.0.0.1 standing in for a node, with a NodeFactory that starts a fresh one per lease.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeFactory, NodeKind } from '../../../src/main/node/conformance/index.js';

export interface Recorded {
  method: string;
  path: string;
  body: string;
  authorization: string | undefined;
}

export interface Reply {
  status: number;
  /** An object is sent as JSON; a string verbatim. */
  body?: unknown;
  /** Drop the connection without answering. */
  destroy?: boolean;
}

export type Handler = (req: Recorded, state: Map<string, unknown>) => Reply;

export interface FakeNode {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res) => {
    let s = '';
    req.on('data', (d: Buffer) => (s += d.toString()));
    req.on('end', () => res(s));
  });
}

export async function startFakeNode(handler: Handler): Promise<FakeNode> {
  const requests: Recorded[] = [];
  const state = new Map<string, unknown>();
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', body, authorization: req.headers.authorization };
      requests.push(rec);
      const reply = handler(rec, state);
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, text && typeof reply.body !== 'string' ? { 'content-type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

/** A fresh fake node per lease; remembers every node it made and the kind that was asked for. */
export function fakeFactory(handler: Handler): NodeFactory & { made: { kind: NodeKind; node: FakeNode }[]; maxLive: number } {
  const made: { kind: NodeKind; node: FakeNode }[] = [];
  let live = 0;
  const factory = {
    description: 'fake nodes',
    warnings: [],
    made,
    maxLive: 0,
    async acquire(kind: NodeKind) {
      const node = await startFakeNode(handler);
      made.push({ kind, node });
      live++;
      factory.maxLive = Math.max(factory.maxLive, live);
      return {
        baseUrl: node.url,
        release: async () => {
          live--;
          await node.close();
        },
      };
    },
    async close() {},
  };
  return factory;
}

/** A garden store good enough for setup chains: create (201/409), get (200/404). */
export const gardenHandler: Handler = (req, state) => {
  const m = /^\/v1\/gardens(?:\/([^/?]+))?$/.exec(req.path);
  if (!m) return { status: 404, body: { detail: 'Not Found' } };
  if (req.method === 'POST' && !m[1]) {
    const body = JSON.parse(req.body) as { slug: string; scope?: string };
    if (state.has(body.slug)) return { status: 409, body: { detail: 'exists' } };
    const garden = { id: `g-${body.slug}`, slug: body.slug, scope: body.scope ?? 'local', members: [{ entity_uri: 'anon:trusted', role: 'admin' }] };
    state.set(body.slug, garden);
    return { status: 201, body: garden };
  }
  if (req.method === 'GET' && m[1]) {
    const g = state.get(m[1]);
    return g ? { status: 200, body: g } : { status: 404, body: { detail: 'garden not found' } };
  }
  return { status: 405, body: { detail: 'Method Not Allowed' } };
};
