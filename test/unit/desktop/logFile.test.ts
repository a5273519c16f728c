// The desktop node's log file: every line kept in order across rotations, at most the configured number of files,
// owner-only, and a reopened file appended to, not replaced.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLogFile } from '../../../src/main/desktop/logFile.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'stigmem-log-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const linesOf = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('the desktop log file', () => {
  it('rotates by size, keeps the newest files, and loses no line of those it keeps', () => {
    const path = join(dir, 'logs', 'stigmem.log');
    const log = new RotatingLogFile(path, 100, 3);
    for (let i = 0; i < 40; i++) log.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(10)}\n`);
    log.close();
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['stigmem.log', 'stigmem.log.1', 'stigmem.log.2', 'stigmem.log.3']);
    for (const f of readdirSync(join(dir, 'logs'))) expect(statSync(join(dir, 'logs', f)).size).toBeLessThanOrEqual(100);
    // Oldest first: .3, .2, .1, then the current file, each line once and in order up to the last written.
    const kept = [...linesOf(`${path}.3`), ...linesOf(`${path}.2`), ...linesOf(`${path}.1`), ...linesOf(path)];
    const numbers = kept.map((l) => Number(l.slice(5, 7)));
    expect(numbers.at(-1)).toBe(39);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => 40 - numbers.length + i));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('appends to the file an earlier run left, and writes a line longer than the limit whole', () => {
    const path = join(dir, 'stigmem.log');
    const first = new RotatingLogFile(path, 1000, 2);
    first.line('info', 'first run');
    first.close();
    const second = new RotatingLogFile(path, 1000, 2);
    second.line('warn', 'second run');
    second.write(`${'y'.repeat(1500)}\n`);
    second.close();
    expect(linesOf(`${path}.1`).map((l) => JSON.parse(l) as { level: number; msg: string }).map((l) => [l.level, l.msg])).toEqual([[30, 'first run'], [40, 'second run']]);
    expect(linesOf(path)).toEqual(['y'.repeat(1500)]);
  });
});
