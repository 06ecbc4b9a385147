import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
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

  read(): EffectRecord[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as EffectRecord);
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
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
      return true;
    });
  }

  private async withLock<T>(work: () => T): Promise<T> {
    const lock = `${this.file}.lock`;
    for (let i = 0; ; i++) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (i > 2000) throw new Error(`could not lock ${lock}`);
        await sleep(2);
      }
    }
    try {
      return work();
    } finally {
      rmdirSync(lock);
    }
  }
}
