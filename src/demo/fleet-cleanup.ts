import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "../adapters/drivers/process/process-liveness.js";
import { stopProcessGroup } from "../adapters/drivers/process/stop-process-group.js";

/** A process the demo's control plane left running: a service instance or a router. */
export interface LeftProcess {
  readonly file: string;
  readonly pid: number;
  readonly pidStart?: string;
  readonly kind: "instance" | "router";
}

/**
 * Every live process recorded under `dir`: instance records of the process driver (they carry
 * `pidStart`) and builtin routers' pid records (`<service>.router.json`).
 */
export async function recordedProcesses(dir: string): Promise<LeftProcess[]> {
  const found: LeftProcess[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const d of entries) {
    if (!d.isFile() || !d.name.endsWith(".json")) continue;
    const file = join(d.parentPath, d.name);
    let record: { pid?: unknown; pidStart?: unknown };
    try {
      record = JSON.parse(await readFile(file, "utf8")) as typeof record;
    } catch {
      continue;
    }
    if (typeof record.pid !== "number") continue;
    const pidStart = typeof record.pidStart === "string" ? record.pidStart : undefined;
    const kind = d.name.endsWith(".router.json") ? "router" : pidStart !== undefined ? "instance" : undefined;
    if (kind === undefined || !isAlive(record.pid, pidStart)) continue;
    found.push({ file, pid: record.pid, ...(pidStart ? { pidStart } : {}), kind });
  }
  return found;
}

/** Stops every recorded process under `dir` (instances by process group, then routers); returns how many. */
export async function stopRecordedProcesses(dir: string, graceMs = 2000): Promise<number> {
  const left = await recordedProcesses(dir);
  await Promise.all(
    left.map(async (p) => {
      if (p.kind === "instance") {
        await stopProcessGroup(p.pid, p.pidStart, graceMs);
        return;
      }
      try {
        process.kill(p.pid, "SIGTERM");
      } catch {
        return;
      }
      for (let waited = 0; waited < graceMs && isAlive(p.pid); waited += 25) await sleep(25);
      if (isAlive(p.pid)) process.kill(p.pid, "SIGKILL");
    }),
  );
  return left.length;
}
