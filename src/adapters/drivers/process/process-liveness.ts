import { readFileSync } from "node:fs";

/**
 * The kernel's start time of a process (field 22 of /proc/PID/stat, in clock ticks since boot),
 * recorded with the pid so a pid reused by another program is never mistaken for our instance.
 * Undefined where /proc is not available.
 */
export function processStartTicks(pid: number): string | undefined {
  const fields = procStatFields(pid);
  return fields?.[19];
}

/** Fields after the command name in /proc/PID/stat (the name may contain spaces and parentheses). */
function procStatFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** True when `pid` runs, is not a zombie, and (when known) is the same process that was recorded. */
export function isAlive(pid: number, startTicks?: string): boolean {
  // 0, 1 and negative pids mean "my group", init or a group: never an instance of ours.
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to another user, so it cannot be ours.
    return false;
  }
  const fields = procStatFields(pid);
  if (fields === undefined) return true;
  if (fields[0] === "Z" || fields[0] === "X") return false;
  return startTicks === undefined || fields[19] === startTicks;
}
