// The offline ceremony's manifest step: sign a manifest with the org key into a file, to carry to the node that
// publishes it (`stigmem manifest publish FILE --url URL` there). Nothing is published here.
import { useState, type FormEvent } from 'react';
import type { ManifestState } from '../../../../shared/manifest';
import { Announce } from '../../components/Announce';
import { ErrorNotice } from '../../components/ErrorNotice';
import { keepFocusInside } from '../../components/focus';
import { formatTimestamp } from '../../components/format';
import { useManifest } from '../../stores/manifest';
import { entityLines, ManifestFields, type ValidDays } from './ManifestFields';

function ExportResult() {
  const done = useManifest((s) => s.lastExport);
  if (!done) return null;
  return (
    <div className="row-panel" data-testid="export-done">
      <Announce of={done} message={`Manifest signed into ${done.path}.`} />
      <p>
        Signed for {done.entities.length} {done.entities.length === 1 ? 'entity' : 'entities'}, valid until {formatTimestamp(done.expiresAt)}. On the node that
        publishes it: <span className="mono">stigmem manifest publish {done.path} --url URL</span>
      </p>
      <dl className="props">
        <dt>File</dt>
        <dd className="mono wrap" data-testid="export-path">
          {done.path}
        </dd>
        <dt>Checksum</dt>
        <dd className="mono wrap">{done.sha256}</dd>
      </dl>
    </div>
  );
}

export function ExportCard({ state }: { state: ManifestState }) {
  const { exportTo, isExporting, exportError, clearExportError } = useManifest();
  const [entities, setEntities] = useState((state.current?.entities ?? [state.entityUri]).join('\n'));
  const [validDays, setValidDays] = useState<ValidDays>(365);
  const [path, setPath] = useState(state.suggestedExportPath);
  const [overwrite, setOverwrite] = useState(false);
  const list = entityLines(entities);
  const edit = (apply: () => void): void => {
    apply();
    clearExportError();
  };

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (list.length > 0 && path.trim() !== '') void exportTo({ entities: list, validDays, path: path.trim(), overwrite });
  };

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title" className="card__title">
        Sign to a file
      </h2>
      <form className="form" onSubmit={submit} onBlur={keepFocusInside} data-testid="export-form">
        <p className="card__note">
          For a key kept offline: sign a manifest for <span className="mono">{state.entityUri}</span> with the org key and write it to a file, to carry to the
          node that publishes it. Nothing is published from here; the step is added to the ceremony record.
        </p>
        <ManifestFields
          entities={entities}
          validDays={validDays}
          onEntities={(text) => edit(() => setEntities(text))}
          onValidDays={(days) => edit(() => setValidDays(days))}
          rows={3}
          testIds={{ entities: 'export-entities', validity: 'export-validity' }}
        />
        <label className="field">
          <span className="field__label">File (full path)</span>
          <input className="field__input mono" value={path} spellCheck={false} onChange={(e) => edit(() => setPath(e.target.value))} data-testid="export-path-input" />
        </label>
        <label className="field field--inline">
          <input type="checkbox" checked={overwrite} onChange={(e) => edit(() => setOverwrite(e.target.checked))} />
          <span>Replace an earlier signed manifest at this path</span>
        </label>
        {exportError ? <ErrorNotice error={exportError} /> : null}
        <button type="submit" className="button button--secondary form__action" disabled={isExporting || list.length === 0 || path.trim() === ''} data-testid="export-submit">
          {isExporting ? 'Signing…' : 'Sign and write the file'}
        </button>
      </form>
      <ExportResult />
    </section>
  );
}
