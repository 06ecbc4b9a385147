import type { Worker } from "node:worker_threads";
import type pg from "pg";
import type { ChainPoint } from "../core/audit/audit-entry.js";
import { ownModuleWorker } from "../runtime/own-module.js";
import { copyAuditRange, copyOut } from "./audit-copy-out.js";
import { CopyChainScanner, type ScanState } from "./audit-copy-scanner.js";
import type { FastScanResult } from "./audit-fast-scan-result.js";
import type { HalfTask } from "./audit-pg-half-worker.js";

/** Rows per COPY at full speed; after a record needed the core's check, COPYs start small again. */
const MAX_CHUNK = 1_000_000;
const SMALL_CHUNK = 1_000;

/**
 * The PostgreSQL fast path: the log streamed with COPY TO STDOUT, each row's bytes verified by a
 * CopyChainScanner. PostgreSQL only sends its columns as they are (building the canonical text in
 * SQL cost the server more than half again), and this process hashes bytes without decoding them.
 *
 * From `parallelFrom` records on, a worker thread verifies the second half at the same time, on a
 * connection of its own in the same snapshot (exported from the first): two server processes and two
 * threads, on two cores. The halves count only if the second half's first prev_hash is the hash the
 * first half ends with; if the worker fails, this thread goes on alone.
 *
 * At a record the scanner cannot vouch for, `recheck` (the core's exact check) decides; stops
 * before the first record neither accepts, and before an anchor's sequence whose hash differs.
 */
export async function scanPostgres(
  pool: pg.Pool,
  start: ChainPoint,
  anchor: ChainPoint | undefined,
  recheck: (seq: number, prevHash: string) => Promise<string | undefined>,
  parallelFrom: number,
): Promise<FastScanResult> {
  const anchorSeq = anchor?.seq ?? -1;
  const scanner = new CopyChainScanner(start, anchorSeq);
  let inWorker = 0;
  const result = (complete: boolean): FastScanResult => ({
    ...scanner.point(),
    verified: scanner.verified,
    complete,
    inWorker,
  });
  const client = await pool.connect();
  let half: (HalfInWorker & { readonly mid: number }) | undefined;
  try {
    await client.query("begin isolation level repeatable read read only");
    const { rows } = await client.query<{ end: string | number }>(
      "select coalesce(max(seq), 0) as end from audit_log",
    );
    const end = Number(rows[0]?.end ?? 0);
    if (end - start.seq >= parallelFrom) {
      const snapshot = await client.query<{ id: string }>("select pg_export_snapshot() as id");
      const mid = start.seq + Math.floor((end - start.seq) / 2);
      const task: HalfTask = {
        connection: connectionOf(pool),
        snapshot: String(snapshot.rows[0]?.id),
        after: mid,
        upTo: end,
        anchorSeq,
      };
      half = { mid, ...verifyHalfInWorker(task) };
    }
    /** The records after the scanner's last up to `upTo`; false when one was refused. */
    const runRange = async (upTo: number): Promise<boolean> => {
      let chunk = MAX_CHUNK;
      for (;;) {
        const from = scanner.seq;
        const limit = Math.min(chunk, upTo - from);
        if (limit <= 0) return true;
        const sent = await copyOut(client, copyAuditRange(from, upTo, limit), (row) => scanner.row(row));
        if (!scanner.stopped) {
          if (sent < limit) return true;
          chunk = Math.min(MAX_CHUNK, chunk * 4);
          continue;
        }
        // The core's exact check of the record after the last, and the anchor.
        const seq = scanner.seq + 1;
        const sealed = await recheck(seq, scanner.point().last.hash);
        if (sealed === undefined || (seq === anchorSeq && sealed !== anchor?.hash)) return false;
        scanner.accept(seq, sealed);
        chunk = SMALL_CHUNK;
      }
    };
    if (half !== undefined) {
      if (!(await runRange(half.mid))) return result(false);
      const next = await half.done;
      // The worker's half counts if it continues exactly where this thread's ends.
      if (next !== undefined && scanner.seq === half.mid && next.startPrev === scanner.point().last.hash) {
        scanner.adopt(next);
        inWorker = next.verified;
      }
      // The worker stops at the first record it cannot vouch for alone (or failed): go on from there.
    }
    return result(await runRange(Number.MAX_SAFE_INTEGER));
  } finally {
    // Stops the worker if this thread stopped first (a refused record, an error); else it has ended.
    await half?.cancel();
    await client.query("commit").catch(() => undefined);
    client.release();
  }
}

/** The pool's connection settings (URL and search_path), for the worker's own connection. */
function connectionOf(pool: pg.Pool): pg.ClientConfig {
  const { connectionString, options } = pool.options as pg.PoolConfig;
  return { ...(connectionString ? { connectionString } : {}), ...(options ? { options } : {}) };
}

/**
 * Runs audit-pg-half-worker in a worker thread (ownModuleWorker). `done` resolves undefined if
 * the worker fails in any way: the caller then verifies that half itself.
 */
interface HalfInWorker {
  readonly done: Promise<ScanState | undefined>;
  cancel(): Promise<void>;
}

function verifyHalfInWorker(task: HalfTask): HalfInWorker {
  let worker: Worker;
  try {
    worker = ownModuleWorker(import.meta.url, "./audit-pg-half-worker", { workerData: task });
  } catch {
    return { done: Promise.resolve(undefined), cancel: async () => {} };
  }
  const done = new Promise<ScanState | undefined>((resolve) => {
    worker.once("message", (state: ScanState) => resolve(state));
    worker.once("error", () => resolve(undefined));
    worker.once("exit", () => resolve(undefined));
  });
  return {
    done,
    async cancel() {
      await worker.terminate();
    },
  };
}
