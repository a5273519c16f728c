// The fingerprint of a public key as the node prints it (SHA-256 of the raw key, first 128 bits in groups of four),
// computed here so the operator can compare it with the other side before anything is pinned.

/** The 32 key bytes of base64url (or standard base64) text, or null if it is not a 32-byte key. */
export function keyBytes(text: string): Uint8Array<ArrayBuffer> | null {
  const t = text.trim().replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]{43}$/.test(t)) return null;
  try {
    const bin = atob(t + '=');
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function fingerprintOf(text: string): Promise<string | null> {
  const bytes = keyBytes(text);
  if (bytes === null || bytes.length !== 32) return null;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  return (hex.match(/.{4}/g) ?? []).join('-');
}
