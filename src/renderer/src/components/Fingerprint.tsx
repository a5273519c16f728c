// A key fingerprint in groups of four, easy to read aloud and compare with the other side.
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
