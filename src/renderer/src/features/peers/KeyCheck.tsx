// A public key's fingerprint, shown for the operator to compare with the other side's before it is pinned.
import { useEffect, useState } from 'react';
import { Fingerprint } from '../../components/Fingerprint';
import { fingerprintOf } from './fingerprint';

/** The fingerprint of `publicKey` (null while computing or when it is not a 32-byte key); `isChecked` once computed. */
export function useFingerprint(publicKey: string): { fingerprint: string | null; isChecked: boolean } {
  const [state, setState] = useState<{ key: string; fingerprint: string | null }>({ key: '', fingerprint: null });
  useEffect(() => {
    let current = true;
    void fingerprintOf(publicKey).then((fingerprint) => current && setState({ key: publicKey, fingerprint }));
    return () => {
      current = false;
    };
  }, [publicKey]);
  const isChecked = state.key === publicKey;
  return { fingerprint: isChecked ? state.fingerprint : null, isChecked };
}

export function KeyCheck({ fingerprint, who, matches, onMatches }: { fingerprint: string; who: string; matches: boolean; onMatches: (v: boolean) => void }) {
  return (
    <div className="key-check" data-testid="key-check">
      <Fingerprint value={fingerprint} />
      <p className="card__note">
        Ask the operator of <span className="mono">{who}</span> to read the federation fingerprint on their Peers screen,
        and compare it group by group. Pin the key only if every group matches.
      </p>
      <label className="check">
        <input type="checkbox" checked={matches} onChange={(e) => onMatches(e.target.checked)} data-testid="fingerprint-matches" />
        <span>The fingerprint matches, group for group</span>
      </label>
    </div>
  );
}
