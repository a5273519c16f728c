// base64url as the protocol uses it: emitted without padding; padded, unpadded and standard +/ input accepted.

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decode base64url or base64 (padded or not). Returns null for anything else. */
export function fromBase64Url(text: string): Buffer | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9_+/-]*={0,2}$/.test(t)) return null;
  const body = t.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  return Buffer.from(body.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}

/** Normalise any accepted encoding of a key to unpadded base64url, or null if it is not `expectedLength` bytes. */
export function normaliseKey(text: string, expectedLength = 32): string | null {
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length !== expectedLength) return null;
  return toBase64Url(bytes);
}
