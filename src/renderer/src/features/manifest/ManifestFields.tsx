// The two things a manifest says besides its key, as the Publish and Sign-to-a-file forms both ask for them.
import { MANIFEST_VALIDITY_DAYS, type PublishManifestInput } from '../../../../shared/manifest';

export type ValidDays = PublishManifestInput['validDays'];

/** The entity URIs typed one per line, blank lines dropped. */
export const entityLines = (text: string): string[] => text.split('\n').map((e) => e.trim()).filter((e) => e !== '');

interface Props {
  entities: string;
  validDays: ValidDays;
  onEntities(text: string): void;
  onValidDays(days: ValidDays): void;
  rows: number;
  testIds: { entities: string; validity: string };
}

export function ManifestFields({ entities, validDays, onEntities, onValidDays, rows, testIds }: Props) {
  return (
    <>
      <label className="field">
        <span className="field__label">Entities it covers, one per line</span>
        <textarea className="field__input" rows={rows} value={entities} onChange={(e) => onEntities(e.target.value)} spellCheck={false} data-testid={testIds.entities} />
      </label>
      <label className="field">
        <span className="field__label">Valid for</span>
        <select className="field__input" value={validDays} onChange={(e) => onValidDays(Number(e.target.value) as ValidDays)} data-testid={testIds.validity}>
          {MANIFEST_VALIDITY_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
