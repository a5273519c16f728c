// Adding a peer: its URL and the federation key its operator gave you, checked by fingerprint before it is pinned.
import { useState, type FormEvent } from 'react';
import { PEER_SCOPES, type PeerScope, type PeerSummary } from '../../../../shared/peers';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { useFieldProblem } from '../../components/useFieldProblem';
import { useAnnouncer } from '../../stores/announcer';
import { usePeers } from '../../stores/peers';
import { KeyCheck, useFingerprint } from './KeyCheck';

const SAYS: Record<string, [string, string]> = {
  active: ['form__done', 'its live key matches the pin; replication starts now.'],
  key_mismatch: ['form__warn', 'but the key it serves does not match the one pinned, so nothing is exchanged until it is re-pinned.'],
  unreachable: ['form__warn', 'but it could not be reached; this node keeps trying.'],
};
const said = (peer: PeerSummary): [string, string] => SAYS[peer.status] ?? ['form__done', `its status is ${peer.status}.`];

/** What the node found when it checked the new peer, in words (announced when it is added, not as it changes). */
function AddedNote({ peer }: { peer: PeerSummary }) {
  const [className, text] = said(peer);
  return (
    <p className={`${className} wrap`} data-testid="peer-added" data-status={peer.status}>
      Added <span className="mono">{peer.url}</span>{peer.status === 'active' ? ':' : ','} {text}
    </p>
  );
}

export function AddPeerCard() {
  const { add, busy, changeError, clearChangeError, peers } = usePeers();
  const announce = useAnnouncer((s) => s.announce);
  const [url, setUrl] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [scopes, setScopes] = useState<PeerScope[]>(['public']);
  const [matches, setMatches] = useState(false);
  const [addedId, setAddedId] = useState<string | null>(null);
  // The note follows the peer as the list refreshes (a re-pin turns a mismatch active; a removal ends it).
  const added = peers.value?.find((p) => p.id === addedId) ?? null;
  const { fingerprint, isChecked } = useFingerprint(publicKey.trim());
  const error = changeError?.kind === 'add' ? changeError.error : null;
  const keyIsWrong = publicKey.trim() !== '' && isChecked && fingerprint === null;
  const keyProblem = useFieldProblem(keyIsWrong ? 'That is not a 32-byte Ed25519 public key in base64url (43 characters).' : null, { testId: 'peer-key-error' });

  const toggle = (s: PeerScope): void => setScopes((now) => (now.includes(s) ? now.filter((x) => x !== s) : [...now, s]));
  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const peer = await add({ url: url.trim(), publicKey: publicKey.trim(), allowedScopes: scopes });
    if (peer === null) return;
    announce(`Added ${peer.url}${peer.status === 'active' ? ':' : ','} ${said(peer)[1]}`);
    setAddedId(peer.id);
    setUrl('');
    setPublicKey('');
    setMatches(false);
  };

  return (
    <section className="card" aria-labelledby="add-peer-title">
      <h2 id="add-peer-title" className="card__title">
        Add a peer
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} onBlur={keepFocusInside} data-testid="add-peer-form">
        <label className="field">
          <span className="field__label">Peer URL</span>
          <input className="field__input" value={url} onChange={(e) => (setUrl(e.target.value), setAddedId(null), clearChangeError())} placeholder="https://stigmem.partner.example" data-testid="peer-url" />
        </label>
        <label className="field">
          <span className="field__label">Its federation public key</span>
          <input className="field__input" value={publicKey} onChange={(e) => (setPublicKey(e.target.value), setMatches(false), setAddedId(null))} spellCheck={false} {...keyProblem.fieldProps} data-testid="peer-key" />
        </label>
        {keyProblem.message}
        <fieldset className="scopes">
          <legend className="field__label">Scopes exchanged (it pulls facts of these scopes, and sends only these)</legend>
          {PEER_SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} data-testid={`scope-${s}`} />
              <span>{s}</span>
            </label>
          ))}
        </fieldset>
        {fingerprint !== null && url.trim() !== '' ? <KeyCheck fingerprint={fingerprint} who={url.trim()} matches={matches} onMatches={setMatches} /> : null}
        {error ? <ErrorNotice error={error} /> : null}
        {added ? <AddedNote peer={added} /> : null}
        <button type="submit" className="button button--primary" disabled={!matches || fingerprint === null || url.trim() === '' || scopes.length === 0 || busy !== null} data-testid="add-peer-submit">
          {busy === 'add' ? 'Checking the peer…' : 'Pin this key and add the peer'}
        </button>
        <p className="card__note">Replication is mutual: the other operator adds this node on their side too.</p>
      </form>
    </section>
  );
}
