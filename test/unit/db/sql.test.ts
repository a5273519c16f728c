import { describe, expect, it } from 'vitest';
import { joinSql, raw, sql, type Sql } from '../../../src/main/node/db/sql.js';

describe('the sql tag', () => {
  const q = (id: string, extra: Sql | null, col: string) => sql`SELECT ${raw(col)} FROM t WHERE id = ${id}${extra ?? sql``} AND ok = ${true}`;

  it('binds every value as a parameter, in order, fragments included', () => {
    const r = q("x'; DROP TABLE t; --", sql` AND n > ${3}`, 'a');
    expect(r.text).toBe('SELECT a FROM t WHERE id = ? AND n > ? AND ok = ?');
    expect(r.params).toEqual(["x'; DROP TABLE t; --", 3, 1]);
  });

  it('hands back the very same text object when a template site is built the same way again', () => {
    const a = q('1', null, 'a');
    const b = q('2', null, 'a');
    expect(b.text).toBe(a.text);
    expect(Object.is(a.text, b.text)).toBe(true);
    expect(b.params).toEqual(['2', 1]);
  });

  it('rebuilds the text when a fragment or raw part differs', () => {
    const plain = q('1', null, 'a');
    const withFilter = q('1', joinSql([sql`x = ${1}`, sql`y = ${2}`], ' AND '), 'a');
    const otherCol = q('1', null, 'b');
    expect(withFilter.text).toBe('SELECT a FROM t WHERE id = ?x = ? AND y = ? AND ok = ?');
    expect(withFilter.params).toEqual(['1', 1, 2, 1]);
    expect(otherCol.text).toBe('SELECT b FROM t WHERE id = ? AND ok = ?');
    expect(q('1', null, 'a').text).toBe(plain.text);
  });
});
