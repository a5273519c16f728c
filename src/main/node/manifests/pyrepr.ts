// Python's repr() of a str, so our detail strings quote values exactly as the reference's messages do ('abc').

function escapeChar(ch: string, quote: string): string {
  if (ch === '\\') return '\\\\';
  if (ch === quote) return `\\${quote}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0)!;
  // Python prints C0/C1 controls as \xNN and line/paragraph separators as \uNNNN.
  if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
  return ch;
}

export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) out += escapeChar(ch, quote);
  return out + quote;
}
