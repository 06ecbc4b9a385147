import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DriverError } from "../../../core/rollout/driver-error.js";
import type { Fence } from "../../../core/run/step-handler.js";

/**
 * Remembers the highest lease generation that acted for each step, and refuses an action from a
 * lower one: a worker that lost its lease but has not noticed yet cannot touch the fleet
 * (Kleppmann, "How to do distributed locking", 2016: fencing tokens checked by the resource).
 */
export class FenceGuard {
  constructor(private readonly stateDir: string) {}

  async admit(fence: Fence): Promise<void> {
    const dir = join(this.stateDir, "fences");
    const file = join(dir, `${encodeURIComponent(fence.stepId)}.json`);
    let seen = 0;
    try {
      seen = (JSON.parse(await readFile(file, "utf8")) as { generation: number }).generation;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (fence.generation < seen)
      throw new DriverError(
        "stale-fence",
        `step ${fence.stepId}: lease generation ${fence.generation} is older than ${seen}, which already acted; this worker lost its lease`,
      );
    if (fence.generation > seen) {
      await mkdir(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ generation: fence.generation }));
      await rename(tmp, file);
    }
  }
}
