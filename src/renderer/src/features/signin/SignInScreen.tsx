// The console's sign-in: the operator pastes the node's admin key; it stays in this tab's session storage only.
import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { useSession } from '../../stores/session';

export function SignInScreen() {
  const { signIn, isSigningIn, error } = useSession();
  const [key, setKey] = useState('');
  const errorId = useId();

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    void signIn(key);
  };

  return (
    <main className="signin">
      <form className="card signin__card" onSubmit={submit} aria-labelledby="signin-title" onBlur={keepFocusInside} data-testid="signin-form">
        <h1 id="signin-title" className="signin__title">
          Sign in to this node
        </h1>
        <p className="signin__lead">
          The console manages the node it is served by. Enter the node&apos;s admin key (<code>STIGMEM_ADMIN_KEY</code>).
          It is kept only for this browser tab.
        </p>
        <label className="field">
          <span className="field__label">Admin key</span>
          <input
            className="field__input"
            type="password"
            name="admin-key"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            {...(error ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})}
            data-testid="admin-key-input"
          />
        </label>
        {error ? <ErrorNotice error={error} id={errorId} /> : null}
        <button className="button button--primary signin__submit" type="submit" disabled={isSigningIn} data-testid="signin-submit">
          {isSigningIn ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
