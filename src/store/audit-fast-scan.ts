import { hash as digest } from "node:crypto";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import SQLite from "better-sqlite3";
import type { ChainPoint } from "../core/audit/audit-entry.js";
import type { FastScanResult } from "./audit-fast-scan-result.js";
import { scanPostgres } from "./audit-pg-scan.js";
import type { Database } from "./database.js";

export type { FastScanResult };

/** Records from which verification splits the log in two halves verified at once. */
const PARALLEL_FROM = 100_000;

/**
 * The canonical entry (RFC 8785: keys sorted, strings as JSON) built by SQLite, after the previous
 * hash: exactly what `entryHash` seals. json_quote escapes as ECMAScript JSON.stringify does; a
 * record where it would not is re-checked by the core, so the database's text only ever speeds up a
 * match and never decides a mismatch. NULL when prev_hash is not 64 characters, so a padded
 * prev_hash cannot pass as a link. (PostgreSQL's rows are rebuilt from COPY's bytes instead: see
 * audit-copy-scanner.ts.)
 */
const SQLITE_INPUT = `case when length(prev_hash) = 64 then prev_hash || '{"action":' || json_quote(action)
  || ',"actor":' || json_quote(actor) || ',"at":' || json_quote(at) || ',"data":' || data
  || ',"seq":' || seq || ',"subject":' || json_quote(subject) || '}' end`;

/**
 * Verifies the chain after `start` as fast as the database can stream it: one string per record to
 * hash, no objects per record on SQLite (raw rows from one read statement, one snapshot). Stops
 * before the first record that does not verify this way and that `recheck` (the core's exact
 * check) does not accept either, and before a record at the anchor's sequence whose hash differs;
 * the caller continues from there with the core's verification, which names what is wrong.
 */
export async function fastScan(
  database: Database,
  start: ChainPoint,
  anchor: ChainPoint | undefined,
  recheck: (seq: number, prevHash: string) => Promise<string | undefined>,
  options: { readonly parallelFrom?: number } = {},
): Promise<FastScanResult> {
  if (database.pgPool !== undefined)
    return scanPostgres(database.pgPool, start, anchor, recheck, options.parallelFrom ?? PARALLEL_FROM);
  let seq = start.seq;
  let last = start.hash;
  let beforeLast: string | undefined;
  let verified = 0;
  let inWorker = 0;
  const anchorSeq = anchor?.seq ?? -1;
  const advance = (rowSeq: number, sealed: string) => {
    beforeLast = last;
    last = sealed;
    seq = rowSeq;
    verified += 1;
  };
  /** The common case, synchronous: the next record, linked to the last, sealing its text. */
  const quick = (rowSeq: number, input: string | null, sealed: string): boolean => {
    if (
      rowSeq !== seq + 1 ||
      rowSeq === anchorSeq ||
      input === null ||
      !input.startsWith(last) ||
      digest("sha256", input, "hex") !== sealed
    )
      return false;
    advance(rowSeq, sealed);
    return true;
  };
  /** Anything else: the core's exact check of the record, and the anchor; false to stop here. */
  const slow = async (rowSeq: number, input: string | null, sealed: string): Promise<boolean> => {
    if (rowSeq !== seq + 1) return false;
    const sealsText = input?.startsWith(last) === true && digest("sha256", input, "hex") === sealed;
    if (!sealsText && (await recheck(rowSeq, last)) !== sealed) return false;
    if (rowSeq === anchorSeq && sealed !== anchor?.hash) return false;
    advance(rowSeq, sealed);
    return true;
  };
  const stopped = (): FastScanResult => ({
    last: { seq, hash: last },
    beforeLastHash: beforeLast,
    verified,
    complete: false,
    inWorker,
  });
  const finished = (): FastScanResult => ({ ...stopped(), complete: true });
  if (database.dialect === "sqlite") {
    // A second, read-only connection: raw rows (arrays, no Kysely objects) from one statement.
    const reader = new SQLite(database.location, { readonly: true, fileMustExist: true });
    try {
      const statement = reader
        .prepare(`select seq, ${SQLITE_INPUT}, hash from audit_log where seq > ? and seq <= ? order by seq`)
        .raw(true);
      /** Verifies the records after the last one up to `upTo`; false when it had to stop. */
      const runRange = async (upTo: number): Promise<boolean> => {
        const rows = statement.iterate(seq, upTo) as IterableIterator<[number, string | null, string]>;
        for (const [rowSeq, input, sealed] of rows) {
          if (quick(rowSeq, input, sealed)) continue;
          if (!(await slow(rowSeq, input, sealed))) {
            rows.return?.();
            return false;
          }
        }
        return true;
      };
      const end = Number(reader.prepare("select coalesce(max(seq), 0) from audit_log").pluck().get());
      if (end - start.seq >= (options.parallelFrom ?? PARALLEL_FROM)) {
        // Two halves at once: a worker thread takes the second, starting from the prev_hash its first
        // record claims; the halves count only if that claim is the hash this thread ends the first with.
        const mid = start.seq + Math.floor((end - start.seq) / 2);
        const helper = verifyHalfInWorker(database.location, mid, end, anchorSeq);
        if (!(await runRange(mid))) {
          await helper.cancel();
          return stopped();
        }
        const half = await helper.result;
        if (seq !== mid || half.startPrev !== last) return stopped();
        if (half.verified > 0) {
          beforeLast = half.beforeLast;
          last = half.last;
          seq = half.seq;
          verified += half.verified;
          inWorker = half.verified;
        }
        // The worker stops at the first record it cannot vouch for alone; this thread goes on from there.
      }
      if (!(await runRange(Number.MAX_SAFE_INTEGER))) return stopped();
    } finally {
      reader.close();
    }
    return finished();
  }
  throw new Error(`fast audit verification: no reader for ${database.dialect}`);
}

/** What the worker found in the second half: from the prev_hash its first record claims. */
interface HalfResult {
  readonly startPrev: string | undefined;
  readonly last: string;
  readonly beforeLast: string | undefined;
  readonly seq: number;
  readonly verified: number;
}

/**
 * The worker's code, plain CommonJS so it runs the same from TypeScript sources (tests, tsx) and
 * from the build: the fast path's quick check only, over (after, upTo], stopping at the first record
 * it cannot vouch for and at the anchor's sequence.
 */
const HALF_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { hash } = require("node:crypto");
const SQLite = require(workerData.driver);
const { file, after, upTo, anchorSeq, input } = workerData;
const db = new SQLite(file, { readonly: true, fileMustExist: true });
try {
  const startPrev = db.prepare("select prev_hash from audit_log where seq = ?").pluck().get(after + 1);
  let last = startPrev, beforeLast, seq = after, verified = 0;
  if (typeof startPrev === "string") {
    const rows = db.prepare("select seq, " + input + ", hash from audit_log where seq > ? and seq <= ? order by seq").raw(true);
    for (const [rowSeq, text, sealed] of rows.iterate(after, upTo)) {
      if (rowSeq !== seq + 1 || rowSeq === anchorSeq || text === null || !text.startsWith(last)) break;
      if (hash("sha256", text, "hex") !== sealed) break;
      beforeLast = last; last = sealed; seq = rowSeq; verified += 1;
    }
  }
  parentPort.postMessage({ startPrev: typeof startPrev === "string" ? startPrev : undefined, last, beforeLast, seq, verified });
} finally {
  db.close();
}
`;

function verifyHalfInWorker(
  file: string,
  after: number,
  upTo: number,
  anchorSeq: number,
): { readonly result: Promise<HalfResult>; cancel(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(HALF_WORKER, {
    eval: true,
    workerData: { driver, file, after, upTo, anchorSeq, input: SQLITE_INPUT },
  });
  const result = new Promise<HalfResult>((resolve, reject) => {
    worker.once("message", (message: HalfResult) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`audit verification worker exited with ${code}`)));
  });
  return {
    result,
    async cancel() {
      result.catch(() => undefined);
      await worker.terminate();
    },
  };
}
