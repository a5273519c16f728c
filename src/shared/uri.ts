// What the node and the screens both take for a URI where an entity or a source is named: a scheme, a colon and no
// spaces; and a hierarchical URI's authority, the part an organisation answers for.

const URI_LIKE = /^[a-z][a-z0-9+.-]*:\S+$/i;

export function isUriLike(text: string): boolean {
  return URI_LIKE.test(text);
}

/** The authority of a `scheme://authority[/…]` URI, lowercased; null when it has none. */
export function uriAuthority(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(uri);
  return m ? m[1]!.toLowerCase() : null;
}
