import { randomInt } from 'node:crypto';

/**
 * ABA routing numbers: 9 digits, the first two a Federal Reserve district (01-12), the last a check
 * digit such that 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
 */

const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7] as const;

function checkDigit(first8: string): number {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first8[i]), 0);
  return (10 - (sum % 10)) % 10;
}

export function randomRoutingNumber(): string {
  const district = String(randomInt(1, 13)).padStart(2, '0');
  let rest = '';
  for (let i = 0; i < 6; i += 1) rest += String(randomInt(10));
  const first8 = district + rest;
  return first8 + String(checkDigit(first8));
}
