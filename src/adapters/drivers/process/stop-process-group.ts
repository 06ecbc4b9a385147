import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "./process-liveness.js";

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid signals the whole process group, so children of a start script go too.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops an instance: SIGTERM to its process group, SIGKILL after `graceMs` if it is still
 * there (the Kubernetes terminationGracePeriodSeconds contract). Returns how it ended.
 */
export async function stopProcessGroup(
  pid: number,
  pidStart: string | undefined,
  graceMs: number,
): Promise<"not-running" | "terminated" | "killed"> {
  if (!isAlive(pid, pidStart)) return "not-running";
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(25);
    if (!isAlive(pid, pidStart)) return "terminated";
  }
  signalGroup(pid, "SIGKILL");
  for (let i = 0; i < 200 && isAlive(pid, pidStart); i++) await sleep(10);
  return "killed";
}
