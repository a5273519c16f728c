// Indenting compact JSON for people keeps every literal as written and every string untouched.
import { describe, expect, it } from 'vitest';
import { indentJson } from '../../../src/main/node/json/indent.js';

describe('indentJson', () => {
  it('indents objects and arrays, leaving literals and strings exactly as they were', () => {
    const compact = '{"a":1.0,"b":[1e-07,true,null],"c":{},"d":[],"e":"x, {y}: [z] \\"q\\" \\\\","f":{"g":[{"h":"\\u00e9"}]}}';
    const out = indentJson(compact);
    expect(out).toBe([
      '{',
      '  "a": 1.0,',
      '  "b": [',
      '    1e-07,',
      '    true,',
      '    null',
      '  ],',
      '  "c": {},',
      '  "d": [],',
      '  "e": "x, {y}: [z] \\"q\\" \\\\",',
      '  "f": {',
      '    "g": [',
      '      {',
      '        "h": "\\u00e9"',
      '      }',
      '    ]',
      '  }',
      '}',
    ].join('\n'));
    expect(JSON.parse(out)).toEqual(JSON.parse(compact));
  });
});
