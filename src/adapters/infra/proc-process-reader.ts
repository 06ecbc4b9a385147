/**
 * Reads one process's CPU time, resident memory and open files from Linux /proc (proc(5)):
 * `stat` fields 14 and 15 (utime, stime, in clock ticks), `status` VmRSS (kB), and the entries of
 * `fd`. A pid that is gone reads as null; a /proc field that cannot be read is left null.
 */
import { readdir, readFile } from "node:fs/promises";
import type { ProcessSample } from "../../core/analysis/process-sample.js";

/** USER_HZ: 100 on every Linux architecture Node.js runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS_PER_SECOND = 100;

/** One reading of `pid`, or null when the process no longer exists. */
export async function readProcProcess(
  pid: number,
  instance: string,
  now: number,
  procRoot = "/proc",
): Promise<ProcessSample | null> {
  let stat: string;
  try {
    stat = await readFile(`${procRoot}/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
  const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  const cpuSeconds =
    Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_SECOND : null;
  let memoryBytes: number | null = null;
  try {
    const status = await readFile(`${procRoot}/${pid}/status`, "utf8");
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (rss?.[1] !== undefined) memoryBytes = Number(rss[1]) * 1024;
  } catch {
    // Gone between the two reads: the stat reading still counts.
  }
  let openFiles: number | null = null;
  try {
    openFiles = (await readdir(`${procRoot}/${pid}/fd`)).length;
  } catch {
    // Another user's process: /proc/<pid>/fd is not readable; the count stays unknown.
  }
  return { instance, pid, at: now, cpuSeconds, memoryBytes, openFiles };
}
