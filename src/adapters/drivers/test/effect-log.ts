import { appendFileSync, existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { LeaseLostError } from "../../../core/run/lease-lost-error.js";
import type { Fence } from "../../../core/run/step-handler.js";

/** One side effect as the test driver records it. */
export interface EffectRecord {
  readonly key: string;
  readonly stepId: string;
  readonly generation: number;
  readonly pid: number;
  readonly at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The test driver's "world": an append-only file of side effects shared by every process.
 * It behaves as a real fenced resource should: applying is idempotent by key (observe first), and
 * an action with a lease generation older than one already seen for the step is refused, so a
 * worker that woke up after losing its lease cannot act (Kleppmann's fencing tokens).
 */
export class EffectLog {
  constructor(private readonly file: string) {}

  /**
   * Every recorded effect. A line torn by a process killed mid-append was never applied: it is
   * skipped, and the next append starts on a fresh line.
   */
  read(): EffectRecord[] {
    if (!existsSync(this.file)) return [];
    const records: EffectRecord[] = [];
    for (const line of readFileSync(this.file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        records.push(JSON.parse(line) as EffectRecord);
      } catch {
        // torn by a kill during the write
      }
    }
    return records;
  }

  private endsTorn(): boolean {
    if (!existsSync(this.file)) return false;
    const text = readFileSync(this.file, "utf8");
    return text.length > 0 && !text.endsWith("\n");
  }

  /** Applies the effect `key` unless already applied; returns whether this call applied it. */
  async apply(key: string, fence: Fence): Promise<boolean> {
    return this.withLock(() => {
      const records = this.read();
      const newest = Math.max(
        0,
        ...records.filter((r) => r.stepId === fence.stepId).map((r) => r.generation),
      );
      if (newest > fence.generation) throw new LeaseLostError(fence.stepId, fence.generation);
      if (records.some((r) => r.key === key)) return false;
      const record: EffectRecord = {
        key,
        stepId: fence.stepId,
        generation: fence.generation,
        pid: process.pid,
        at: Date.now(),
      };
      appendFileSync(this.file, `${this.endsTorn() ? "\n" : ""}${JSON.stringify(record)}\n`);
      return true;
    });
  }

  /**
   * A lock file holding the owner's pid. A process killed while holding it leaves it behind, so a
   * lock whose owner is gone is broken: crash tests SIGKILL processes at any instruction.
   */
  private async withLock<T>(work: () => T): Promise<T> {
    const lock = `${this.file}.lock`;
    for (let i = 0; ; i++) {
      try {
        writeFileSync(lock, String(process.pid), { flag: "wx" });
        break;
      } catch {
        if (i % 50 === 49) breakIfStale(lock);
        if (i > 5000) throw new Error(`could not lock ${lock}`);
        await sleep(2);
      }
    }
    try {
      return work();
    } finally {
      unlinkSync(lock);
    }
  }
}

function breakIfStale(lock: string): void {
  try {
    const pid = Number(readFileSync(lock, "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) {
      // Killed between creating the lock file and writing its pid: stale once it is a second old.
      if (Date.now() - statSync(lock).mtimeMs > 1000) unlinkSync(lock);
      return;
    }
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") {
      try {
        unlinkSync(lock);
      } catch {
        // another process broke it first
      }
    }
  }
}
