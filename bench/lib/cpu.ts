import fs from 'node:fs';
import os from 'node:os';

/**
 * CPU time of processes, from /proc (Linux): what each part of the system spends per onboarding.
 * CPU seconds do not depend on how busy the machine is the way timings do, so they say where the
 * cost is even on a shared machine. Elsewhere (no /proc) nothing is measured.
 */

const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds of a process, or undefined when it cannot be read. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Record<string, number | undefined>;

export function snapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      pid === undefined ? undefined : cpuSeconds(pid),
    ]),
  );
}

/** CPU milliseconds per unit of work, by process, between two snapshots. */
export function cpuMsPer(
  before: CpuSnapshot,
  after: CpuSnapshot,
  units: number,
): Record<string, number> {
  const result: Record<string, number> = {};
  if (units <= 0 || os.platform() !== 'linux') return result;
  for (const [name, start] of Object.entries(before)) {
    const end = after[name];
    if (start === undefined || end === undefined) continue;
    result[name] = ((end - start) * 1000) / units;
  }
  return result;
}
