// Through a real `stigmem serve`: a 16+ KiB Authorization header reaches the node's own 401, not Node's 431.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type NodeProcess } from '../../helpers/process.js';

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Authorization header size on a real server', () => {
  let proc: NodeProcess;
  beforeAll(async () => {
    proc = await spawnNode({ STIGMEM_ADMIN_KEY: 'process-admin-key-0123456789abcdef' });
  });
  afterAll(async () => proc.cleanup());

  it('answers 401 token_too_large for 17 KiB and 48 KiB values', async () => {
    for (const size of [17 * 1024, 48 * 1024]) {
      const res = await get(`${proc.url}/v1/me`, { authorization: `Bearer ${'t'.repeat(size)}` });
      expect(res.status, `${size}: ${res.body}`).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'token_too_large' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('still serves a normal key, and never echoes the oversize value', async () => {
    const ok = await get(`${proc.url}/v1/me`, { authorization: 'Bearer process-admin-key-0123456789abcdef' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).permissions).toContain('admin');
    const big = await get(`${proc.url}/v1/me`, { authorization: `Bearer ${'s'.repeat(20_000)}` });
    expect(big.body).not.toContain('s'.repeat(100));
    expect(proc.stdout() + proc.stderr()).not.toContain('process-admin-key-0123456789abcdef');
  });
});
