// A test server on an ephemeral port of 127.0.0.1, and closing it with whatever connections it still holds.
import type { Server } from 'node:http';
import { insertPeer } from '../../src/main/node/federation/peers/repo.js';
import type { WriteDb } from '../../src/main/node/db/sql.js';

/** Listen on 127.0.0.1; the port and the server's http:// base URL. */
export async function listenLocal(server: Server): Promise<{ port: number; url: string }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { port, url: `http://127.0.0.1:${port}` };
}

export async function closeLocal(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** An active peer `p1` pinned to `publicKey`, sending as stigmem://org-p.example in `public`, reached at `nodeUrl`. */
export function pinnedPeer(db: WriteDb, nodeUrl: string, publicKey: string): void {
  insertPeer(db, { id: 'p1', nodeId: 'stigmem:node:p', nodeUrl, entityUri: 'stigmem://org-p.example', trustedPublicKey: publicKey, status: 'active', registration: 'pinned', allowedScopes: ['public'], declaration: null, createdAt: 't', establishedAt: 't', error: null });
}
