// A peer whose answers a test scripts one request at a time: the next discovery request can fail or be held, the next
// page request held, so a change the operator makes meanwhile lands while the node waits for it. Pages are signed
// with the peer's current key, which a test can switch (a peer that rotated).
import http from 'node:http';
import { generateSeed } from '../../src/main/node/crypto/ed25519.js';
import { signerFromSeed, type Signer } from '../../src/main/node/identity/signer.js';
import { encodeJson } from '../../src/main/node/json/pyjson.js';
import { closeLocal, listenLocal } from './localServer.js';

export interface Held {
  /** Resolves once the request is being held. */
  arrived: Promise<void>;
  /** Answer it now (with what the peer would answer then). */
  release(): void;
  /** Resolves once the held answer has been written out. */
  sent: Promise<void>;
}

export interface ScriptedPeer {
  url: string;
  nodeId: string;
  signer: Signer;
  facts: Record<string, unknown>[];
  pageRequests: number;
  discoveryRequests: number;
  /** The next discovery request answers 503. */
  failNextDiscovery(): void;
  /** Hold the next discovery request (after `skip` others), or the next page request. */
  holdNext(kind: 'discovery' | 'page', skip?: number): Held;
  /** Serve and sign with a new key from now on. */
  rotate(): Signer;
  close(): Promise<void>;
}

type Step = 'fail' | { held: Held; open: Promise<void>; arrive: () => void; done: () => void };

export async function startScriptedPeer(): Promise<ScriptedPeer> {
  const scripts: Record<'discovery' | 'page', (Step | 'answer')[]> = { discovery: [], page: [] };
  const peer: ScriptedPeer = {
    url: '', nodeId: `stigmem:node:scripted-${Math.random().toString(16).slice(2, 10)}`, signer: signerFromSeed(generateSeed(), 'peer'), facts: [], pageRequests: 0, discoveryRequests: 0,
    failNextDiscovery: () => void scripts.discovery.push('fail'),
    holdNext(kind, skip = 0) {
      let arrive!: () => void;
      let release!: () => void;
      let done!: () => void;
      const held: Held = { arrived: new Promise((r) => (arrive = r)), release: () => release(), sent: new Promise((r) => (done = r)) };
      const open = new Promise<void>((r) => (release = r));
      for (let i = 0; i < skip; i++) scripts[kind].push('answer');
      scripts[kind].push({ held, open, arrive, done });
      return held;
    },
    rotate: () => (peer.signer = signerFromSeed(generateSeed(), 'rotated')),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const kind = path === '/.well-known/stigmem' ? 'discovery' : path === '/v1/federation/facts' ? 'page' : null;
    res.setHeader('content-type', 'application/json');
    if (kind === null) {
      res.statusCode = 404;
      return void res.end('{"detail":"Not Found"}');
    }
    const step = scripts[kind].shift() ?? 'answer';
    if (step === 'fail') {
      res.statusCode = 503;
      return void res.end('{"detail":"unavailable"}');
    }
    const answer = (): void => {
      if (kind === 'discovery') return void (peer.discoveryRequests++, res.end(JSON.stringify({ node_id: peer.nodeId, federation: 'enabled', federation_pubkey: peer.signer.publicKey })));
      peer.pageRequests++;
      const body = Buffer.from(encodeJson({ facts: peer.facts, cursor: peer.facts.length ? peer.facts.at(-1)!['hlc'] : null, has_more: false }));
      res.setHeader('stigmem-signature', peer.signer.signB64(body));
      res.end(body);
    };
    if (step === 'answer') return answer();
    step.arrive();
    res.once('finish', step.done);
    void step.open.then(answer);
  });
  ({ url: peer.url } = await listenLocal(server));
  peer.close = () => closeLocal(server);
  return peer;
}
