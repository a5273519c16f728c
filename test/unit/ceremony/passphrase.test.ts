// Backup passphrases: empty, short, single-class, repetitive and well-known ones are refused with stable codes.
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/main/node/ceremony/errors.js';
import { checkBackupPassphrase, passphraseWeakness } from '../../../src/main/node/ceremony/passphrase.js';

function refusal(p: string | null | undefined): CeremonyError {
  try {
    checkBackupPassphrase(p);
  } catch (e) {
    if (e instanceof CeremonyError) return e;
    throw e;
  }
  return expect.fail(`${JSON.stringify(p)} was accepted`);
}

describe('checkBackupPassphrase', () => {
  it.each([null, undefined, ''])('refuses a missing passphrase (%j) as passphrase_missing', (p) => {
    expect(refusal(p).code).toBe('passphrase_missing');
  });

  it.each([
    ['Sh0rt pass!', 'shorter than 12'],
    ['abcdefghijklmnop', 'single kind of character'],
    ['ABCDEFGHIJKLMNOP', 'single kind of character'],
    ['839201746352', 'single kind of character'],
    ['!@#$%^&*()_+-=', 'single kind of character'],
    ['aA1aA1aA1aA1aA1', 'fewer than 5 different characters'],
    ['Password1234', 'well-known'],
    ['password 2024!', 'well-known'],
    ['Qwertyuiop123', 'well-known'],
    ['correct horse battery staple', 'well-known'],
    ['Stigmem 2026 !!', 'well-known'],
  ])('refuses %j as passphrase_too_weak (%s)', (p, why) => {
    const e = refusal(p);
    expect(e.code).toBe('passphrase_too_weak');
    expect(e.message).toContain(why);
    expect(e.message).not.toContain(p);
  });

  it.each(['Correct Horse 42 staple', 'lighthouse-orbit-7-tundra', 'mañana es otro día 9', '9 ways to sail the Ærø sound'])('accepts %j', (p) => {
    expect(passphraseWeakness(p)).toBeNull();
    expect(checkBackupPassphrase(p)).toBe(p.normalize('NFC'));
  });

  it('counts characters, not UTF-16 units, and normalises to NFC', () => {
    // Eleven characters although the decomposed spelling has more code units.
    expect(passphraseWeakness('e\u0301te\u0301 2 dix1')).toContain('shorter than 12');
    expect(checkBackupPassphrase('e\u0301te\u0301 2 dix-huit')).toBe('\u00e9t\u00e9 2 dix-huit');
  });
});
