import { hash as digest } from "node:crypto";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import type { ChainPoint } from "../core/audit/audit-entry.js";
import type { Database } from "./database.js";

/** Where a fast scan stopped: at the end, or before the first record it could not vouch for. */
export interface FastScanResult {
  /** The last record verified (or the start). */
  readonly last: ChainPoint;
  /** The hash of the record before `last`, as the core's verification state keeps it. */
  readonly beforeLastHash: string | undefined;
  readonly verified: number;
  /** True when every record was verified; false when one needs the core's full verification. */
  readonly complete: boolean;
}

/** Rows per PostgreSQL fetch. */
const PG_FETCH = 20_000;

/**
 * The canonical entry (RFC 8785: keys sorted, strings as JSON) built by the database, after the
 * previous hash: exactly what `entryHash` seals. json_quote (SQLite) and to_json (PostgreSQL) escape
 * as ECMAScript JSON.stringify does; a record where they would not is re-checked by the core, so
 * the database's text only ever speeds up a match and never decides a mismatch. NULL when
 * prev_hash is not 64 characters, so a padded prev_hash cannot pass as a link.
 */
const SQLITE_INPUT = `case when length(prev_hash) = 64 then prev_hash || '{"action":' || json_quote(action)
  || ',"actor":' || json_quote(actor) || ',"at":' || json_quote(at) || ',"data":' || data
  || ',"seq":' || seq || ',"subject":' || json_quote(subject) || '}' end`;
const PG_INPUT = `case when length(prev_hash) = 64 then prev_hash || '{"action":' || to_json(action)::text
  || ',"actor":' || to_json(actor)::text || ',"at":' || to_json(at)::text || ',"data":' || data
  || ',"seq":' || seq::text || ',"subject":' || to_json(subject)::text || '}' end`;

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
  recheck: (seq: number, prevHash: string) => Promise<boolean>,
): Promise<FastScanResult> {
  let seq = start.seq;
  let last = start.hash;
  let beforeLast: string | undefined;
  let verified = 0;
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
    if (!sealsText && !(await recheck(rowSeq, last))) return false;
    if (rowSeq === anchorSeq && sealed !== anchor?.hash) return false;
    advance(rowSeq, sealed);
    return true;
  };
  const stopped = (): FastScanResult => ({
    last: { seq, hash: last },
    beforeLastHash: beforeLast,
    verified,
    complete: false,
  });
  const finished = (): FastScanResult => ({ ...stopped(), complete: true });
  if (database.dialect === "sqlite") {
    // A second, read-only connection: raw rows (arrays, no Kysely objects) from one statement.
    const reader = new SQLite(database.location, { readonly: true, fileMustExist: true });
    try {
      const rows = reader
        .prepare(`select seq, ${SQLITE_INPUT}, hash from audit_log where seq > ? order by seq`)
        .raw(true)
        .iterate(start.seq) as IterableIterator<[number, string | null, string]>;
      for (const [rowSeq, input, sealed] of rows) {
        if (quick(rowSeq, input, sealed)) continue;
        if (!(await slow(rowSeq, input, sealed))) {
          rows.return?.();
          return stopped();
        }
      }
    } finally {
      reader.close();
    }
    return finished();
  }
  return database.db.transaction().execute(async (trx) => {
    await sql`declare audit_fast no scroll cursor for select seq, ${sql.raw(PG_INPUT)} as input, hash
      from audit_log where seq > ${start.seq} order by seq`.execute(trx);
    for (;;) {
      const { rows } = await sql<{ seq: number; input: string | null; hash: string }>`fetch forward ${sql.lit(
        PG_FETCH,
      )} from audit_fast`.execute(trx);
      for (const row of rows) {
        const rowSeq = Number(row.seq);
        if (quick(rowSeq, row.input, row.hash)) continue;
        if (!(await slow(rowSeq, row.input, row.hash))) return stopped();
      }
      if (rows.length < PG_FETCH) return finished();
    }
  });
}
