import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/node/db/connection.js';
import { sql } from '../../../src/main/node/db/sql.js';
import { formatHlc, Hlc, HlcFormatError, HlcSkewError, nodeHlc, parseHlc, persistHlc } from '../../../src/main/node/facts/hlc.js';

const T = 1_746_230_400_000;

/** A clock the test moves by hand. */
function manualClock(start = T) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

describe('HLC format', () => {
  it('pads wall time to 13 digits and the counter to 3', () => {
    expect(formatHlc({ wallMs: T, counter: 3 })).toBe('1746230400000.003');
    expect(formatHlc({ wallMs: 5, counter: 0 })).toBe('0000000000005.000');
  });

  it('parses padded, unpadded and counter-less values; refuses garbage', () => {
    expect(parseHlc('1746230400000.3')).toEqual({ wallMs: T, counter: 3 });
    expect(parseHlc('1746230400000.003')).toEqual({ wallMs: T, counter: 3 });
    expect(parseHlc('1746230400000')).toEqual({ wallMs: T, counter: 0 });
    for (const bad of ['', 'x.1', '-1.0', '1.', '.1', '1.2.3', '1746230400000.3 ', '99999999999999999.0']) expect(parseHlc(bad)).toBeNull();
  });

  it('padded strings sort as text in causal order', () => {
    const values = ['1746230400000.010', '1746230400000.009', '1746230400001.000', '0999999999999.999'];
    expect([...values].sort()).toEqual(['0999999999999.999', '1746230400000.009', '1746230400000.010', '1746230400001.000']);
  });
});

describe('Hlc.tick', () => {
  it('takes the wall clock when it moves on, else counts', () => {
    const c = manualClock();
    const hlc = new Hlc(c.now);
    expect(hlc.tick()).toBe('1746230400000.000');
    expect(hlc.tick()).toBe('1746230400000.001');
    c.set(T + 5);
    expect(hlc.tick()).toBe('1746230400005.000');
  });

  it('stays monotonic when the wall clock steps back', () => {
    const c = manualClock();
    const hlc = new Hlc(c.now);
    hlc.tick();
    c.set(T - 10_000);
    expect(hlc.tick()).toBe('1746230400000.001');
  });

  it('past counter 999 in one millisecond advances wall_ms and resets the counter', () => {
    const hlc = new Hlc(() => T, { wallMs: T, counter: 998 });
    expect(hlc.tick()).toBe('1746230400000.999');
    expect(hlc.tick()).toBe('1746230400001.000');
    expect(hlc.tick()).toBe('1746230400001.001');
  });
});

describe('Hlc.receive (REFERENCE-NODE.md §6.4 item 6)', () => {
  it('takes the larger remote wall time with remote counter + 1', () => {
    const hlc = new Hlc(() => T);
    expect(hlc.receive('1746230400100.7')).toBe('1746230400100.008');
  });

  it('with equal wall times, counts past the larger counter', () => {
    const hlc = new Hlc(() => T - 1, { wallMs: T, counter: 4 });
    expect(hlc.receive(`${T}.9`)).toBe('1746230400000.010');
    expect(hlc.receive(`${T}.2`)).toBe('1746230400000.011');
  });

  it('keeps the local clock when it is ahead, and the wall clock when both are behind', () => {
    const local = new Hlc(() => T - 50, { wallMs: T, counter: 1 });
    expect(local.receive(`${T - 10}.5`)).toBe('1746230400000.002');
    const wall = new Hlc(() => T + 50, { wallMs: T, counter: 1 });
    expect(wall.receive(`${T + 10}.5`)).toBe('1746230400050.000');
  });

  it('refuses remote times beyond the skew bounds; a bound of 0 disables it', () => {
    const hlc = new Hlc(() => T);
    expect(() => hlc.receive(`${T + 300_001}.0`, 300_000, 0)).toThrow(HlcSkewError);
    let caught: unknown = null;
    try {
      hlc.receive(`${T - 2_592_000_001}.0`, 300_000, 2_592_000_000);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HlcSkewError);
    expect((caught as HlcSkewError).direction).toBe('past');
    expect((caught as HlcSkewError).skewMs).toBe(-2_592_000_001);
    expect(hlc.receive(`${T + 300_000}.0`, 300_000, 0)).toBe('1746230700000.001');
    expect(hlc.receive(`${T - 10 ** 11}.0`, 0, 0)).toBe('1746230700000.002');
    expect(() => hlc.receive('not-an-hlc')).toThrow(HlcFormatError);
  });

  it('carries a reference counter above 999 into the wall time', () => {
    const hlc = new Hlc(() => T);
    expect(hlc.receive(`${T}.1500`)).toBe('1746230400001.000');
  });
});

describe('nodeHlc persistence', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes from the last persisted value after a restart, even with a clock behind it', () => {
    dir = mkdtempSync(join(tmpdir(), 'stigmem-hlc-'));
    const path = join(dir, 'node.db');
    const db1 = openDatabase(path);
    const hlc1 = nodeHlc(db1, () => T + 1000);
    hlc1.tick();
    hlc1.tick();
    db1.transaction(() => persistHlc(db1, hlc1));
    expect(db1.get<{ value: string }>(sql`SELECT value FROM node_meta WHERE key = 'hlc_last'`)?.value).toBe('1746230401000.001');
    db1.raw.close();

    const db2 = openDatabase(path);
    const hlc2 = nodeHlc(db2, () => T);
    expect(hlc2.tick()).toBe('1746230401000.002');
    expect(nodeHlc(db2, () => T)).toBe(hlc2);
    db2.raw.close();
  });
});
