// The node's mTLS material and the names a certificate carries, shared by the server, the peer client and the page
// worker (which gets the material when it starts).

/** The PEM files' contents (STIGMEM_TLS_CERT_PATH, _KEY_PATH, _CA_BUNDLE), read once at start. */
export interface TlsMaterial {
  cert: string;
  key: string;
  ca: string;
}

/** The URI SANs of a certificate's subjectAltName text (`DNS:a, URI:stigmem:node:…`; quoted values as Node writes them). */
export function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const uris: string[] = [];
  for (const m of subjectAltName.matchAll(/(?:^|, )URI:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = m[1]!;
    try {
      uris.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
    } catch {
      // a quoted value that is not valid JSON names no URI we could match
    }
  }
  return uris;
}
