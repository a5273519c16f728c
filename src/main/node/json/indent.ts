// Indent compact JSON text for people without parsing it, so every literal (1.0, 1e-07, escapes) stays exactly as the
// encoder wrote it.
export function indentJson(compact: string, unit = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const ch = compact[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += compact[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      if (compact[i + 1] === close) {
        out += ch + close;
        i++;
      } else out += `${ch}\n${unit.repeat(++depth)}`;
    } else if (ch === '}' || ch === ']') out += `\n${unit.repeat(--depth)}${ch}`;
    else if (ch === ',') out += `,\n${unit.repeat(depth)}`;
    else if (ch === ':') out += ': ';
    else if (ch !== ' ' && ch !== '\n' && ch !== '\t' && ch !== '\r') out += ch;
  }
  return out;
}
