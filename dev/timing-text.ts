import type { Timing } from '../src/contract/onboarding-input';

/** How timing is said to people: the stack's banner and the demo say it the same way. */

/** A configured duration as people write it: `20 s`, `10 min`, `1 h`, `7 d`, `1.5 s`. */
export function durationText(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const unit = units.find(([size]) => ms % size === 0);
  return unit ? `${ms / unit[0]} ${unit[1]}` : `${ms / 1000} s`;
}

/** When the KYC webhook stops being awaited and Ingo is asked instead. */
export function kycWaitText(timing: Timing): string {
  return (
    `webhook awaited ${durationText(timing.kycGracePeriod)}, then polled every ` +
    `${durationText(timing.kycPollInterval)} (backing off to ${durationText(timing.kycMaxPollInterval)})`
  );
}
