// mTLS federation between real nodes (STIGMEM_TLS_CERT_PATH, _KEY_PATH, _CA_BUNDLE): HTTPS only, peers present
// certificates the federation's CA signed for their node id, pages are read only from the node the certificate names,
// and operators still reach the API with their keys and no certificate.
import { randomBytes, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../src/main/node/crypto/base64url.js';
import { generateSeed } from '../../../src/main/node/crypto/ed25519.js';
import { mintPeerToken } from '../../../src/main/node/federation/peerToken.js';
import { signerFromSeed } from '../../../src/main/node/identity/signer.js';
import { issueCert, makeCa, opensslMissing, type Ca, type NodeCert } from '../../helpers/certs.js';
import { tlsCall, waitFor } from '../../helpers/http.js';
import { freePort, runCli, spawnNode, type NodeProcess } from '../../helpers/process.js';

const KEY = 'mtls-admin-key-0123456789abcdef0';
const missing = opensslMissing();
if (missing) console.log(`skipped: ${missing}`);

const nodeId = (): string => `stigmem:node:${randomBytes(16).toString('hex')}`;
/** A public fact of the organisation the entity belongs to (a peer sends only its own organisation's facts). */
const fact = (entity: string, v: string) => ({ entity, relation: 'memory:status', value: { type: 'string', v }, source: `${entity.split('/project/')[0]!}/agent/bot`, confidence: 1.0, scope: 'public' });

interface TlsNode {
  node: NodeProcess;
  url: string;
  id: string;
  seed: Uint8Array;
  env: Record<string, string>;
}

describe.skipIf(missing !== null)('mTLS federation', () => {
  let dir: string;
  let ca: Ca;
  let otherCa: Ca;
  let a: TlsNode;
  let b: TlsNode;
  let certA: NodeCert;
  let certB: NodeCert;
  const started: NodeProcess[] = [];

  async function tlsNode(entity: string, id: string, cert: NodeCert): Promise<TlsNode> {
    const port = await freePort();
    const seed = generateSeed();
    const env = {
      STIGMEM_PORT: String(port), STIGMEM_NODE_URL: `https://127.0.0.1:${port}`, STIGMEM_NODE_ID: id, STIGMEM_ENTITY_URI: entity, STIGMEM_ADMIN_KEY: KEY,
      STIGMEM_FEDERATION_ENABLED: 'true', STIGMEM_FEDERATION_PULL_INTERVAL_S: '1',
      STIGMEM_FEDERATION_PRIVKEY: toBase64Url(seed), STIGMEM_FEDERATION_PUBKEY: signerFromSeed(seed, 't').publicKey,
      STIGMEM_TLS_CERT_PATH: cert.certPath, STIGMEM_TLS_KEY_PATH: cert.keyPath, STIGMEM_TLS_CA_BUNDLE: ca.certPath,
    };
    const node = await spawnNode(env);
    started.push(node);
    return { node, url: `https://127.0.0.1:${port}`, id, seed, env };
  }

  const operator = (n: TlsNode, path: string, body?: unknown) => tlsCall(`${n.url}${path}`, { ca: ca.pem, apiKey: KEY, body });

  async function register(on: TlsNode, peer: TlsNode): Promise<string> {
    const key = (await tlsCall(`${peer.url}/.well-known/stigmem`, { ca: ca.pem })).body.public_key as string;
    const r = await operator(on, '/v1/federation/peers', { peer_url: peer.url, trusted_public_key: key });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stigmem-mtls-'));
    ca = makeCa(dir, 'federation-ca');
    otherCa = makeCa(dir, 'other-ca');
    const [idA, idB] = [nodeId(), nodeId()];
    certA = issueCert(dir, ca, 'node-a', [idA]);
    certB = issueCert(dir, ca, 'node-b', [idB]);
    a = await tlsNode('stigmem://org-a.example', idA, certA);
    b = await tlsNode('stigmem://org-b.example', idB, certB);
    await register(a, b);
    await register(b, a);
  }, 60_000);
  afterAll(async () => {
    for (const n of started) await n.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('replicates between two nodes that present their certificates, and names the node the certificate names', async () => {
    expect(a.node.stdout()).toContain(`listening on ${a.url}`);
    expect((await operator(a, '/v1/facts', fact('stigmem://org-a.example/project/mtls', 'over-tls'))).status).toBe(201);
    await waitFor('the fact at B', async () => {
      const r = await operator(b, `/v1/facts?entity=${encodeURIComponent('stigmem://org-a.example/project/mtls')}`);
      return r.body.total === 1 ? true : undefined;
    });
    const peers = (await operator(b, '/v1/federation/peers')).body.peers as { node_id: string; error: string | null; status: string }[];
    expect(peers).toEqual([expect.objectContaining({ node_id: a.id, status: 'active', error: null })]);
    // `stigmem status` in A's folder reaches A over HTTPS with the folder's CA and shows what its certificate names.
    const st = await runCli(['status', '--json'], { cwd: a.node.dir, env: a.env });
    expect(st.stderr).toBe('');
    expect(JSON.parse(st.stdout)).toMatchObject({ nodeId: a.id, tls: { certificateUris: [a.id], namesThisNode: true } });
  });

  it('serves operators with their API key and no certificate, but refuses a peer without one (421) or with another CA\'s', async () => {
    expect((await operator(a, '/v1/facts?limit=1')).status).toBe(200);
    const token = () => mintPeerToken(signerFromSeed(b.seed, 't'), { iss: b.id, sub: a.id, scopes: ['public'] }, Date.now());
    const bare = await tlsCall(`${a.url}/v1/federation/facts?limit=1`, { ca: ca.pem, headers: { authorization: `Bearer ${token()}` } });
    expect(bare.status).toBe(421);
    expect(bare.body).toMatchObject({ code: 'mtls_required', detail: expect.stringContaining('mutual TLS') });
    const stranger = issueCert(dir, otherCa, 'stranger', [b.id]);
    const foreign = await tlsCall(`${a.url}/v1/federation/facts?limit=1`, { ca: ca.pem, cert: stranger.cert, key: stranger.key, headers: { authorization: `Bearer ${token()}` } });
    expect(foreign.status).toBe(421);
    // B's own certificate with B's own token is served.
    const own = await tlsCall(`${a.url}/v1/federation/facts?limit=1`, { ca: ca.pem, cert: certB.cert, key: certB.key, headers: { authorization: `Bearer ${token()}` } });
    expect(own.status).toBe(200);
    expect(own.headers.get('stigmem-signature')).toBeTruthy();
    // Over HTTPS too, headers up to 64 KiB reach the node's own answer: an oversized token is its 401, not Node's 431.
    const big = await tlsCall(`${a.url}/v1/facts?limit=1`, { ca: ca.pem, headers: { authorization: `Bearer ${'x'.repeat(20 * 1024)}` } });
    expect([big.status, big.body.code]).toEqual([401, 'token_too_large']);
  });

  it('refuses a peer token presented over another node\'s certificate, and audits it', async () => {
    const token = mintPeerToken(signerFromSeed(b.seed, 't'), { iss: b.id, sub: a.id, scopes: ['public'] }, Date.now());
    // A certificate the federation's CA did sign, but for another node than the token's issuer.
    const r = await tlsCall(`${a.url}/v1/federation/facts?limit=1`, { ca: ca.pem, cert: certA.cert, key: certA.key, headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe('peer certificate URI SAN does not match node_id');
    expect(JSON.stringify(r.body)).not.toContain('facts');
    const audit = await operator(a, '/v1/federation/audit?event_type=san_mismatch');
    expect(audit.body.entries[0]).toMatchObject({ event_type: 'san_mismatch', detail: expect.objectContaining({ node_id: b.id, certificate_uris: [a.id] }) });
  });

  it('answers no plain HTTP at all on its port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`http://127.0.0.1:${a.node.port}/v1/facts`, { headers: { authorization: `Bearer ${KEY}` } }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
      req.end();
    });
    expect(outcome).not.toMatch(/^status 2/);
  });

  it('reads nothing from a peer whose certificate names another node, and says so on the peer and in the audit log', async () => {
    // C's certificate is the federation's, but names B's id: a misissued or swapped certificate.
    const c = await tlsNode('stigmem://org-c.example', nodeId(), issueCert(dir, ca, 'node-c', [b.id]));
    expect(c.node.stdout() + c.node.stderr()).toContain('does not name this node\'s id');
    expect((await operator(c, '/v1/facts', fact('stigmem://org-c.example/project/swapped', 'never'))).status).toBe(201);
    const peerId = await register(a, c);
    await register(c, a);
    const seen = await waitFor('the refusal on the peer', async () => {
      const p = (await operator(a, `/v1/federation/peers/${peerId}`)).body as { error: string | null };
      return p.error?.startsWith('san_mismatch') ? p : undefined;
    });
    expect(seen.error).toContain(`does not name ${c.id}`);
    const audit = await operator(a, `/v1/federation/audit?event_type=san_mismatch&peer_id=${peerId}`);
    // The pull's own refusal (A also refuses C's pulls over that certificate, audited under the same peer).
    const pulled = (audit.body.entries as { detail: Record<string, unknown> }[]).find((entry) => entry.detail['direction'] === 'pull');
    expect(pulled?.detail).toMatchObject({ node_id: c.id, certificate_uris: [b.id] });
    expect((await operator(a, `/v1/facts?entity=${encodeURIComponent('stigmem://org-c.example/project/swapped')}`)).body.total).toBe(0);
    // And C, pulling from A under its own token over a certificate naming B, is refused by A.
    const fromC = await waitFor('C\'s pull refused', async () => {
      const peers = (await operator(c, '/v1/federation/peers')).body.peers as { error: string | null }[];
      return peers[0]?.error?.includes('peer certificate URI SAN does not match node_id') ? peers[0] : undefined;
    });
    expect(fromC.error).toContain('401');
  }, 30_000);

  it('will not start on a key that is not its certificate\'s, and says which variable in one line', async () => {
    const port = await freePort();
    const start = spawnNode({ STIGMEM_PORT: String(port), STIGMEM_ADMIN_KEY: KEY, STIGMEM_TLS_CERT_PATH: certA.certPath, STIGMEM_TLS_KEY_PATH: certB.keyPath, STIGMEM_TLS_CA_BUNDLE: ca.certPath });
    await expect(start).rejects.toThrow(/exited with 2 before listening\nstderr:.*STIGMEM_TLS_KEY_PATH=.* is not the key of the certificate in STIGMEM_TLS_CERT_PATH\n?$/s);
  });

  it('takes up a renewed certificate without a restart, serving and pulling with it, and keeps the old one until the new pair matches', async () => {
    const own = mkdtempSync(join(dir, 'renew-'));
    const id = nodeId();
    // The first certificate names the wrong node: A refuses E's pulls and reads nothing from E, until it is renewed.
    const first = issueCert(own, ca, 'first', [nodeId()]);
    const live = { certPath: join(own, 'node.crt'), keyPath: join(own, 'node.key') };
    copyFileSync(first.certPath, live.certPath);
    copyFileSync(first.keyPath, live.keyPath);
    const e = await tlsNode('stigmem://org-e.example', id, live as NodeCert);
    const served = (): Promise<string> => new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: e.node.port, ca: ca.pem, servername: 'localhost' }, () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.end();
      });
      socket.on('error', reject);
    });
    const serialOf = (pem: string): string => new X509Certificate(pem).serialNumber;
    expect(await served()).toBe(serialOf(first.cert));
    expect((await operator(e, '/v1/facts', fact('stigmem://org-e.example/project/renewed', 'after-renewal'))).status).toBe(201);
    const eOnA = await register(a, e);
    const aOnE = await register(e, a);
    const errorOn = async (n: TlsNode, peer: string) => ((await operator(n, `/v1/federation/peers/${peer}`)).body as { error: string | null }).error;
    await waitFor('both refusals', async () => ((await errorOn(a, eOnA))?.startsWith('san_mismatch') && (await errorOn(e, aOnE))?.includes('URI SAN') ? true : undefined));

    // A renewal half-written (the certificate before its key): the node goes on with the old pair.
    const second = issueCert(own, ca, 'second', [id]);
    copyFileSync(second.certPath, live.certPath);
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await served()).toBe(serialOf(first.cert));
    expect((await operator(e, '/v1/facts?limit=1')).status).toBe(200);

    copyFileSync(second.keyPath, live.keyPath);
    await waitFor('the renewed certificate served', async () => ((await served()) === serialOf(second.cert) ? true : undefined), 15_000, 500);
    // Re-pinning the same keys resets the backoff and pulls at once, both ways.
    const keyOf = async (n: TlsNode) => (await tlsCall(`${n.url}/.well-known/stigmem`, { ca: ca.pem })).body.public_key as string;
    const repin = async (on: TlsNode, peer: string, to: TlsNode) => tlsCall(`${on.url}/v1/federation/peers/${peer}`, { ca: ca.pem, apiKey: KEY, method: 'PATCH', body: { trusted_public_key: await keyOf(to) } });
    expect((await repin(a, eOnA, e)).status).toBe(200);
    expect((await repin(e, aOnE, a)).status).toBe(200);
    await waitFor('E\'s fact at A, pulled from E\'s renewed server certificate', async () => {
      const r = await operator(a, `/v1/facts?entity=${encodeURIComponent('stigmem://org-e.example/project/renewed')}`);
      return r.body.total === 1 ? true : undefined;
    });
    await waitFor('A\'s facts at E, pulled with E\'s renewed client certificate', async () => {
      const atE = await operator(e, `/v1/facts?entity=${encodeURIComponent('stigmem://org-a.example/project/mtls')}`);
      return atE.body.total === 1 ? true : undefined;
    });
    expect(await errorOn(e, aOnE)).toBeNull();
  }, 60_000);

  it('reads renewed files at once on SIGHUP, and only then when checks are off (STIGMEM_TLS_RELOAD_CHECK_S=0)', async () => {
    const own = mkdtempSync(join(dir, 'sighup-'));
    const id = nodeId();
    const [first, second] = [issueCert(own, ca, 'first', [id]), issueCert(own, ca, 'second', [id])];
    const live = { certPath: join(own, 'node.crt'), keyPath: join(own, 'node.key') } as NodeCert;
    copyFileSync(first.certPath, live.certPath);
    copyFileSync(first.keyPath, live.keyPath);
    const port = await freePort();
    const node = await spawnNode({
      STIGMEM_PORT: String(port), STIGMEM_NODE_URL: `https://127.0.0.1:${port}`, STIGMEM_NODE_ID: id, STIGMEM_ADMIN_KEY: KEY, STIGMEM_TLS_RELOAD_CHECK_S: '0',
      STIGMEM_TLS_CERT_PATH: live.certPath, STIGMEM_TLS_KEY_PATH: live.keyPath, STIGMEM_TLS_CA_BUNDLE: ca.certPath,
    });
    started.push(node);
    const served = (): Promise<string> => new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: ca.pem, servername: 'localhost' }, () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.end();
      });
      socket.on('error', reject);
    });
    const serialOf = (pem: string): string => new X509Certificate(pem).serialNumber;
    copyFileSync(second.certPath, live.certPath);
    copyFileSync(second.keyPath, live.keyPath);
    // Nothing checks the files by itself: the old certificate stays until the signal.
    expect(await served()).toBe(serialOf(first.cert));
    node.child.kill('SIGHUP');
    await waitFor('the reload said', async () => (node.stderr().includes(`stigmem: SIGHUP: TLS certificate reloaded from ${live.certPath}`) ? true : undefined));
    expect(await served()).toBe(serialOf(second.cert));
    // A pair that does not match is refused with its reason, and the node goes on with the one it has.
    copyFileSync(first.certPath, live.certPath);
    node.child.kill('SIGHUP');
    await waitFor('the refusal said', async () => (node.stderr().includes('is not the key of the certificate in STIGMEM_TLS_CERT_PATH); the node keeps its current certificate') ? true : undefined));
    expect(await served()).toBe(serialOf(second.cert));
  });
});

