// Issuing a capability token: who may write, under what, for how long; the signed token is shown once, to hand over.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatTimestamp } from '../../components/format';
import { useTokens } from '../../stores/tokens';

const VALIDITY: [string, number][] = [
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
  ['30 days', 30 * 86_400],
  ['90 days (the most)', 90 * 86_400],
];

function IssuedToken() {
  const { issued, dismissIssued } = useTokens();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  if (issued === null) return null;
  const copy = (): void => {
    navigator.clipboard.writeText(issued.tokenJson).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  };
  return (
    <div className="key-check" role="status" data-testid="issued-token">
      <p className="form__done">
        Token issued to <span className="mono">{issued.token.subject}</span>, valid until {formatTimestamp(issued.token.expiry)}.
      </p>
      <textarea className="field__input token-json" readOnly value={issued.tokenJson} rows={5} onFocus={(e) => e.target.select()} data-testid="issued-token-json" />
      <p className="card__note">
        Hand this to the subject&apos;s operator; whoever holds it may write as it allows until it expires or is revoked. Copy it now: it is not shown again.
      </p>
      <div className="row-panel__actions">
        {copied === 'yes' ? <span className="form__done">Copied.</span> : null}
        {copied === 'no' ? <span className="form__warn">Copying was refused here: select the text and copy it.</span> : null}
        <button type="button" className="button button--secondary" onClick={copy}>
          Copy
        </button>
        <button type="button" className="button button--secondary" onClick={dismissIssued} data-testid="issued-token-done">
          Done
        </button>
      </div>
    </div>
  );
}

export function IssueCard({ issuer }: { issuer: string | null }) {
  const { issue, busy, changeError } = useTokens();
  const [subject, setSubject] = useState('');
  const [object, setObject] = useState('');
  const [ttlSeconds, setTtl] = useState(86_400);
  const error = changeError?.kind === 'issue' ? changeError.error : null;
  const isReady = subject.trim() !== '' && object.trim() !== '';

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (await issue({ subject: subject.trim(), verb: 'write', object: object.trim(), ttlSeconds })) {
      setSubject('');
      setObject('');
    }
  };

  return (
    <section className="card" aria-labelledby="issue-title">
      <h2 id="issue-title" className="card__title">
        Issue a write token
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="issue-form">
        <p className="card__note">
          Signed by this node{issuer ? <> for <span className="mono">{issuer}</span></> : null}, which needs its manifest published. The holder may write facts under the object, and
          they pass through trust and quarantine like any other arrival.
        </p>
        <label className="field">
          <span className="field__label">Subject: who may use it</span>
          <input className="field__input" value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="stigmem://partner.example/agent/bot" data-testid="token-subject" />
        </label>
        <label className="field">
          <span className="field__label">Object: what it may write under</span>
          <input className="field__input" value={object} onChange={(e) => setObject(e.target.value)} placeholder="stigmem://your-org.example/scope/shared" data-testid="token-object" />
        </label>
        <label className="field">
          <span className="field__label">Valid for</span>
          <select className="field__input" value={ttlSeconds} onChange={(e) => setTtl(Number(e.target.value))} data-testid="token-ttl">
            {VALIDITY.map(([label, s]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {error ? <ErrorNotice error={error} /> : null}
        <button type="submit" className="button button--primary" disabled={!isReady || busy !== null} data-testid="issue-submit">
          {busy === 'issue' ? 'Signing…' : 'Issue and sign'}
        </button>
      </form>
      <IssuedToken />
    </section>
  );
}
