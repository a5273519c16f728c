// A key fingerprint in groups of four, easy to read aloud and compare with the other side.
import type { ReactNode } from 'react';

export function Fingerprint({ value }: { value: string }) {
  const groups = value.split('-').filter((g) => g !== '');
  return (
    <span className="fingerprint" data-testid="fingerprint" aria-label={`fingerprint ${groups.join(' ')}`}>
      {groups.map((g, i) => (
        <span key={i} className="fingerprint__group">
          {g}
        </span>
      ))}
    </span>
  );
}

/** A fingerprint set apart, with a line saying whose key it is and what to do with it. */
export function FingerprintBlock({ value, children }: { value: string; children: ReactNode }) {
  return (
    <div className="fingerprint-block">
      <Fingerprint value={value} />
      <span className="fingerprint-block__caption">{children}</span>
    </div>
  );
}
