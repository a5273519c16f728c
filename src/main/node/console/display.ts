// How stored values read on a screen.

/** Values are stored as their text (numbers keep their literal); a null value has no text worth showing. */
export function displayValue(valueType: string, stored: string): string {
  return valueType === 'null' ? 'null' : stored;
}
