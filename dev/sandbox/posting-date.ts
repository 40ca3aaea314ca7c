/** An estimated posting date `days` after `from`, as IngoPay writes dates: `MM/DD/YYYY` (UTC). */
export function postingDate(from: Date, days: number): string {
  const date = new Date(from.getTime() + days * 86_400_000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()}`;
}
