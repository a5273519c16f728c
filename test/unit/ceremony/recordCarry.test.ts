// The ceremony record carried in a database backup and joined with this machine's on restore: no signed step is dropped,
// and nothing is written in place that would not verify.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ceremonyRecordLine, MAX_RECORD_BYTES, verifyCeremonyRecord } from '../../../src/main/node/ceremony/record.js';
import { applyRecordPlan, localRecord, planRecordRestore, readRecordText } from '../../../src/main/node/ceremony/recordCarry.js';
import { keyFrom, JUNE_2026 } from '../manifests/fixtures.js';

const [A, B] = [keyFrom(41), keyFrom(42)];
const NODE = 'stigmem:node:0123456789abcdef0123456789abcdef';
const DAY = 86_400_000;
const init = ceremonyRecordLine(A, NODE, 'init', JUNE_2026, { key_store: 'file' });
const backup = ceremonyRecordLine(A, NODE, 'backup', JUNE_2026 + DAY, { backup_file: '/media/usb/org-key.backup' });
const signed = ceremonyRecordLine(A, NODE, 'manifest_sign', JUNE_2026 + 2 * DAY);
const restored = ceremonyRecordLine(A, NODE, 'restore', JUNE_2026 + 9 * DAY, { restored_from: '/media/usb/org-key.backup' });
const text = (...lines: string[]): string => lines.map((l) => `${l}\n`).join('');

const folders: string[] = [];
afterAll(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));
const folder = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stigmem-record-carry-'));
  folders.push(d);
  return d;
};

describe('joining the backup\'s ceremony record with this machine\'s', () => {
  it('brings the record back where this machine has none', () => {
    const plan = planRecordRestore(null, text(init, backup));
    expect(plan.result.outcome).toBe('restored');
    expect(plan.write).toBe(text(init, backup));
    expect(plan.aside).toBeNull();
  });

  it('puts the backup\'s steps first and keeps this machine\'s later ones (a key restored here before the data)', () => {
    const plan = planRecordRestore(text(restored), text(init, backup, signed));
    expect(plan.result).toMatchObject({ outcome: 'merged', message: expect.stringContaining("backup's 3 signed steps and this machine's 1") });
    expect(plan.write).toBe(text(init, backup, signed, restored));
    expect(verifyCeremonyRecord(plan.write!).problems).toEqual([]);
  });

  it('joins a record that went on after the backup once, without repeating the steps both hold', () => {
    expect(planRecordRestore(text(init, backup, restored), text(init, backup, signed)).write).toBe(text(init, backup, signed, restored));
  });

  it('leaves this machine\'s record alone when it already holds every step of the backup\'s', () => {
    const plan = planRecordRestore(text(init, backup, signed), text(init, backup));
    expect(plan).toEqual({ result: { outcome: 'kept', message: expect.any(String) }, write: null, aside: null });
  });

  it('says so when the backup carries no record, and writes nothing', () => {
    expect(planRecordRestore(text(init), null)).toMatchObject({ result: { outcome: 'none' }, write: null, aside: null });
  });

  it('never writes in place a record that does not verify: an altered backup record, or one another key signed, is kept apart', () => {
    const altered = text(init, backup.replace('org-key.backup', 'other.backup'));
    const plan = planRecordRestore(text(init), altered);
    expect(plan).toMatchObject({ result: { outcome: 'kept_apart', message: expect.stringContaining('line 2') }, write: null, aside: altered });

    // Another organisation's key with no rotation handing over: the two cannot be one record.
    const foreign = text(ceremonyRecordLine(B, NODE, 'init', JUNE_2026 + 5 * DAY));
    const mixed = planRecordRestore(foreign, text(init, backup));
    expect(mixed).toMatchObject({ result: { outcome: 'kept_apart' }, write: null, aside: text(init, backup) });
  });
});

describe('carrying out the plan', () => {
  it('replaces the record in one step, and puts a record kept apart beside it without touching either', () => {
    const dir = folder();
    const path = join(dir, 'ceremony-record.jsonl');
    writeFileSync(path, text(restored));
    expect(applyRecordPlan(path, planRecordRestore(readRecordText(path), text(init, backup)), 'stamp-1').outcome).toBe('merged');
    expect(readFileSync(path, 'utf8')).toBe(text(init, backup, restored));

    const foreign = text(ceremonyRecordLine(B, NODE, 'init', JUNE_2026));
    const done = applyRecordPlan(path, planRecordRestore(readRecordText(path), foreign), 'stamp-2');
    expect(done).toMatchObject({ outcome: 'kept_apart', savedAs: `${path}.from-backup-stamp-2` });
    expect(readFileSync(`${path}.from-backup-stamp-2`, 'utf8')).toBe(foreign);
    expect(readFileSync(path, 'utf8')).toBe(text(init, backup, restored));
  });

  it('never writes over a record here that cannot be read whole', () => {
    const dir = folder();
    const path = join(dir, 'ceremony-record.jsonl');
    writeFileSync(path, Buffer.alloc(MAX_RECORD_BYTES + 1, 0x61));
    expect(localRecord(path)).toBe('unreadable');
    expect(localRecord(join(dir, 'absent.jsonl'))).toBeNull();
    const plan = planRecordRestore(localRecord(path), text(init, backup));
    expect(plan).toMatchObject({ result: { outcome: 'kept_apart' }, write: null, aside: text(init, backup) });
  });

  it('reads no record from a missing, empty, oversized or non-file path', () => {
    const dir = folder();
    expect(readRecordText(join(dir, 'absent.jsonl'))).toBeNull();
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(readRecordText(join(dir, 'empty.jsonl'))).toBeNull();
    expect(readRecordText(dir)).toBeNull();
    writeFileSync(join(dir, 'huge.jsonl'), Buffer.alloc(MAX_RECORD_BYTES + 1, 0x61));
    expect(readRecordText(join(dir, 'huge.jsonl'))).toBeNull();
  });
});
