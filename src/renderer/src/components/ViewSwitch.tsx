// Which part of a list is shown, as a row of toggle buttons with the chosen one pressed: each is reached by Tab and
// chosen by Enter or Space (tab roles would promise arrow keys and a tab panel).
interface Props<T> {
  label: string;
  options: readonly T[];
  chosen: T;
  onChoose: (option: T) => void;
  nameOf: (option: T) => string;
  testIdOf: (option: T) => string;
}

export function ViewSwitch<T>({ label, options, chosen, onChoose, nameOf, testIdOf }: Props<T>) {
  return (
    <div className="nav" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={nameOf(o)} type="button" className="nav__tab" aria-pressed={chosen === o} onClick={() => onChoose(o)} data-testid={testIdOf(o)}>
          {nameOf(o)}
        </button>
      ))}
    </div>
  );
}
