/** The calculators' input check: names the first field that is not a positive integer (an empty box included). */
export function fieldError(fields: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return `${name} must be a positive integer`;
  }
  return null;
}
