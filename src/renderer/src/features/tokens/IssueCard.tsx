// Issuing a capability token: who may write, under what, for how long; the signed token is shown once, to hand over.
import { useRef, useState } from 'react';
import { tokenObjectProblem, tokenSubjectProblem } from '../../../../shared/tokens';
import { Announce } from '../../components/Announce';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatTimestamp } from '../../components/format';
import { useConfirmStep } from '../../components/useConfirmStep';
import { useFieldProblem } from '../../components/useFieldProblem';
import { useAnnouncer } from '../../stores/announcer';
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
  const announce = useAnnouncer((s) => s.announce);
  if (issued === null) return null;
  const copy = (): void => {
    navigator.clipboard.writeText(issued.tokenJson).then(
      () => {
        setCopied('yes');
        announce('Copied.');
      },
      () => {
        setCopied('no');
        announce('Copying was refused here: select the text and copy it.');
      },
    );
  };
  return (
    <div className="key-check" data-testid="issued-token">
      <Announce of={issued} message={`Token issued to ${issued.token.subject}, valid until ${formatTimestamp(issued.token.expiry)}.`} />
      <p className="form__done">
        Token issued to <span className="mono">{issued.token.subject}</span>, valid until {formatTimestamp(issued.token.expiry)}.
      </p>
      {/* Focused (and so selected) as it appears, ready to copy; a new token takes focus again. */}
      <textarea
        key={issued.token.tokenId}
        className="field__input token-json"
        aria-label="The signed token"
        readOnly
        value={issued.tokenJson}
        rows={5}
        autoFocus
        onFocus={(e) => e.target.select()}
        data-testid="issued-token-json"
      />
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

/** Why the button waits, said under the fields: the first problem, or null when the grant can be signed. */
function grantProblem(subject: string, object: string): string | null {
  if (subject.trim() === '' && object.trim() === '') return 'Type the subject and the object to issue a token.';
  return tokenSubjectProblem(subject) ?? tokenObjectProblem(object);
}

export function IssueCard({ issuer }: { issuer: string | null }) {
  const { issue, busy, changeError, clearChangeError } = useTokens();
  const [subject, setSubject] = useState('');
  const [object, setObject] = useState('');
  const [ttlSeconds, setTtl] = useState(86_400);
  const error = changeError?.kind === 'issue' ? changeError.error : null;
  const problem = grantProblem(subject, object);
  // Said under the fields once either is typed in, and tied to the one it is about.
  const shownProblem = problem !== null && (subject !== '' || object !== '') ? problem : null;
  const isSubjectProblem = shownProblem !== null && tokenSubjectProblem(subject) !== null;
  const problemMessage = useFieldProblem(shownProblem, { testId: 'issue-problem' });
  const { isConfirming, setConfirming, edit, submit } = useConfirmStep(problem === null, clearChangeError);
  const until = formatTimestamp(new Date(Date.now() + ttlSeconds * 1000).toISOString());
  const openButton = useRef<HTMLButtonElement>(null);

  const send = async (): Promise<void> => {
    if (await issue({ subject: subject.trim(), verb: 'write', object: object.trim(), ttlSeconds })) {
      setConfirming(false);
      setSubject('');
      setObject('');
    }
  };

  return (
    <section className="card" aria-labelledby="issue-title">
      <h2 id="issue-title" className="card__title">
        Issue a write token
      </h2>
      <form className="form" onSubmit={submit} data-testid="issue-form">
        <p className="card__note">
          Signed by this node{issuer ? <> for <span className="mono">{issuer}</span></> : null}, which needs its manifest published. The holder may write facts under the object, and
          they pass through trust and quarantine like any other arrival.
        </p>
        <label className="field">
          <span className="field__label">Subject: who may use it</span>
          <input className="field__input" value={subject} onChange={(e) => edit(() => setSubject(e.target.value))} placeholder="stigmem://partner.example/agent/bot" {...(isSubjectProblem ? problemMessage.fieldProps : {})} data-testid="token-subject" />
        </label>
        <label className="field">
          <span className="field__label">Object: what it may write under</span>
          <input className="field__input" value={object} onChange={(e) => edit(() => setObject(e.target.value))} placeholder="stigmem://facts/scope:public" {...(isSubjectProblem ? {} : problemMessage.fieldProps)} data-testid="token-object" />
        </label>
        <label className="field">
          <span className="field__label">Valid for</span>
          <select className="field__input" value={ttlSeconds} onChange={(e) => edit(() => setTtl(Number(e.target.value)))} data-testid="token-ttl">
            {VALIDITY.map(([label, s]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {problemMessage.message}
        {isConfirming ? (
          <ConfirmPanel
            label="Sign the write token"
            question={
              <>
                Sign a write token for <span className="mono">{subject.trim()}</span> under <span className="mono">{object.trim()}</span>, valid until {until}? Whoever holds
                it may write there until then, unless it is revoked.
              </>
            }
            onCancel={() => edit(() => undefined)}
            returnFocus={() => openButton.current}
            testId="issue-confirm-panel"
          >
            {error ? <ErrorNotice error={error} /> : null}
            <div className="row-panel__actions">
              <button type="button" className="button button--secondary" onClick={() => edit(() => undefined)}>
                Cancel
              </button>
              <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => void send()} data-testid="issue-confirm">
                {busy === 'issue' ? 'Signing…' : 'Sign the token'}
              </button>
            </div>
          </ConfirmPanel>
        ) : (
          <button ref={openButton} type="submit" className="button button--primary" disabled={problem !== null || busy !== null} data-testid="issue-submit">
            Issue and sign…
          </button>
        )}
      </form>
      <IssuedToken />
    </section>
  );
}
