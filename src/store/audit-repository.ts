import { readFile, rename, writeFile } from "node:fs/promises";
import { CompiledQuery, type Kysely, sql } from "kysely";
import {
  type AuditEntry,
  type ChainPoint,
  GENESIS,
  type StoredAuditRecord,
} from "../core/audit/audit-entry.js";
import type { ChainVerdict } from "../core/audit/chain-finding.js";
import {
  type ChainVerification,
  continueChainVerification,
  finishChainVerification,
  startChainVerification,
} from "../core/audit/chain-verification.js";
import { chainStoredEntries, tryEntryHash } from "../core/audit/entry-hash.js";
import { InputError } from "../core/errors/domain-error.js";
import { fastScan } from "./audit-fast-scan.js";
import type { Database, DialectName } from "./database.js";
import type { Schema } from "./schema.js";

/** What a caller appends: the store assigns `seq` and the chain fields. */
export type NewAuditEntry = Omit<AuditEntry, "seq">;

/** A head of the log recorded by `anchor()`, and where a copy was written. */
export interface AuditAnchor extends ChainPoint {
  readonly at: string;
  readonly destination: string | null;
}

/** Records `fromSeq`…`toSeq` with the point they continue from: verifyChain(records, { start }). */
export interface AuditSegment {
  readonly start: ChainPoint;
  readonly records: readonly StoredAuditRecord[];
}

/** Rows per INSERT: 500 × 8 parameters stays far below SQLite's 32,766-variable limit. */
const CHUNK_ROWS = 500;
/** Rows per read while verifying: enough to amortize a query, small enough to keep memory flat. */
const VERIFY_BATCH = 5_000;

/**
 * The append-only, hash-chained audit log on SQLite or PostgreSQL. Appends are serialized (SQLite's
 * single writer taken up front, as every store transaction begins IMMEDIATE; a PostgreSQL transaction-scoped advisory lock
 * across replicas), so every append reads the head it chains onto and the chain never forks.
 */
export class AuditRepository {
  constructor(private readonly database: Database) {}

  /** Seals `entries` after the current head and stores them in one transaction; returns the records. */
  async append(entries: readonly NewAuditEntry[]): Promise<readonly StoredAuditRecord[]> {
    if (entries.length === 0) return [];
    return this.writeTransaction(async (db) => {
      const head = await readHead(db);
      return writeRecords(db, this.database.dialect, "audit_log", entries.length, (from, to, after) =>
        chainStoredEntries(after ?? head, entries.slice(from, to)),
      );
    });
  }

  /**
   * Appends inside the caller's transaction, so the audit entry and the change it records commit
   * together or not at all. On PostgreSQL the advisory lock serializes appenders across replicas; on
   * SQLite the caller's transaction already holds the single writer by the time it writes.
   */
  async appendWithin(trx: Kysely<Schema>, entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.database.dialect === "postgres")
      await sql`select pg_advisory_xact_lock(hashtext('upshift.audit'))`.execute(trx);
    const head = await readHead(trx);
    await writeRecords(trx, this.database.dialect, "audit_log", entries.length, (from, to, after) =>
      chainStoredEntries(after ?? head, entries.slice(from, to)),
    );
  }

  /** The last record's `{ seq, hash }`, or the genesis when the log is empty. */
  async head(): Promise<ChainPoint> {
    return readHead(this.database.db);
  }

  /**
   * Visits the records numbered after `after` (up to `upTo`) in order, `size` at a time, reading the
   * next batch while the caller works on the current one. PostgreSQL reads through one cursor: one
   * snapshot and one plan (keyset queries on a freshly filled table without statistics were planned
   * as a sort of the whole remainder for every batch). SQLite reads rowid ranges.
   */
  async scan(
    visit: (batch: readonly StoredAuditRecord[]) => void,
    range: { readonly after?: number; readonly upTo?: number } = {},
    size = VERIFY_BATCH,
  ): Promise<void> {
    const after = range.after ?? 0;
    const upTo = range.upTo === undefined ? sql`` : sql`and seq <= ${range.upTo}`;
    const query = sql<StoredAuditRecord>`select seq, at, actor, action, subject,
        data as "dataJson", prev_hash as "prevHash", hash from audit_log`;
    if (this.database.dialect === "postgres") {
      await this.database.db.transaction().execute(async (trx) => {
        await sql`declare audit_scan no scroll cursor for ${query} where seq > ${after} ${upTo} order by seq`.execute(
          trx,
        );
        const fetch = () =>
          sql<StoredAuditRecord>`fetch forward ${sql.lit(size)} from audit_scan`.execute(trx);
        await visitBatches(visit, size, fetch);
      });
      return;
    }
    let last = after;
    await visitBatches(visit, size, async () => {
      const result =
        await sql<StoredAuditRecord>`${query} where seq > ${last} ${upTo} order by seq limit ${size}`.execute(
          this.database.db,
        );
      last = result.rows.at(-1)?.seq ?? last;
      return result;
    });
  }

  /**
   * Streams the whole log (or the part after `from`, a point already trusted) through the core's
   * incremental verification; with `anchor`, a truncated or recomputed tail is found too.
   */
  async verify(
    options: { from?: ChainPoint; anchor?: ChainPoint; batchSize?: number; parallelFrom?: number } = {},
  ): Promise<ChainVerdict> {
    const { from, anchor, batchSize = VERIFY_BATCH, parallelFrom } = options;
    const start = startChainVerification({ ...(from ? { start: from } : {}), ...(anchor ? { anchor } : {}) });
    // Most of a log verifies on the fast path; the core takes over, in the same state, at the first
    // record the fast path cannot vouch for, and names what is wrong exactly as a full pass would.
    const fast = await fastScan(
      this.database,
      start.last,
      anchor,
      (seq, prevHash) => this.recheck(seq, prevHash),
      parallelFrom === undefined ? {} : { parallelFrom },
    );
    let v: ChainVerification = {
      ...start,
      seen: fast.verified,
      verified: fast.verified,
      last: fast.last,
      beforeLastHash: fast.beforeLastHash,
    };
    if (!fast.complete)
      await this.scan(
        (batch) => {
          v = continueChainVerification(v, batch);
        },
        { after: fast.last.seq },
        batchSize,
      );
    return finishChainVerification(v);
  }

  /**
   * The core's exact check of one record after `prevHash` (the fast path's second opinion): the
   * record's hash when it verifies, undefined when it does not (or is missing).
   */
  private async recheck(seq: number, prevHash: string): Promise<string | undefined> {
    let record: StoredAuditRecord | undefined;
    await this.scan(
      (batch) => {
        record = batch[0];
      },
      { after: seq - 1, upTo: seq },
      1,
    );
    return record !== undefined &&
      record.prevHash === prevHash &&
      tryEntryHash(prevHash, record) === record.hash
      ? record.hash
      : undefined;
  }

  /**
   * Records the head as an anchor and, given a path, also writes it there (atomically) to keep outside
   * the database; given `publish`, also sends it (to a webhook) before recording it.
   */
  async anchor(options: {
    now: Date;
    file?: string;
    publish?: { readonly destination: string; send(anchor: AuditAnchor): Promise<void> };
  }): Promise<AuditAnchor> {
    const head = await this.head();
    const destinations = [options.file, options.publish?.destination].filter((d) => d !== undefined);
    const anchor: AuditAnchor = {
      seq: head.seq,
      hash: head.hash,
      at: options.now.toISOString(),
      destination: destinations.length === 0 ? null : destinations.join(", "),
    };
    if (options.file !== undefined) await writeAnchorFile(options.file, anchor);
    if (options.publish !== undefined) await options.publish.send(anchor);
    await this.database.db.insertInto("audit_anchors").values(anchor).execute();
    return anchor;
  }

  /** The anchor recorded last, if any. */
  async latestAnchor(): Promise<AuditAnchor | undefined> {
    return this.database.db
      .selectFrom("audit_anchors")
      .select(["seq", "hash", "at", "destination"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  /** Records `fromSeq`…`toSeq` for an evidence bundle, with the hash they continue from. */
  async segment(fromSeq: number, toSeq: number): Promise<AuditSegment> {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1 || toSeq < fromSeq)
      throw new InputError("audit.segment", `invalid segment ${fromSeq}–${toSeq}: need 1 <= from <= to`);
    const before = await this.database.db
      .selectFrom("audit_log")
      .select(["seq", "hash"])
      .where("seq", "=", fromSeq - 1)
      .executeTakeFirst();
    const start = fromSeq === 1 ? GENESIS : (before ?? { seq: fromSeq - 1, hash: "" });
    const records: StoredAuditRecord[] = [];
    await this.scan((batch) => records.push(...batch), { after: fromSeq - 1, upTo: toSeq });
    return { start, records };
  }

  /**
   * One writer at a time: on SQLite every transaction begins IMMEDIATE (ImmediateSqliteDialect), so
   * it holds the write lock before it reads the head; on PostgreSQL an advisory lock does the same.
   */
  private async writeTransaction<T>(work: (db: Kysely<Schema>) => Promise<T>): Promise<T> {
    const { db, dialect } = this.database;
    return db.transaction().execute(async (trx) => {
      if (dialect === "postgres")
        await sql`select pg_advisory_xact_lock(hashtext('upshift.audit'))`.execute(trx);
      return work(trx);
    });
  }
}

async function readHead(db: Kysely<Schema>): Promise<ChainPoint> {
  const row = await db
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? GENESIS : { seq: Number(row.seq), hash: row.hash };
}

/** Runs `fetch` until a short batch, fetching the next batch before visiting the current one. */
async function visitBatches(
  visit: (batch: readonly StoredAuditRecord[]) => void,
  size: number,
  fetch: () => Promise<{ rows: StoredAuditRecord[] }>,
): Promise<void> {
  let next: Promise<{ rows: StoredAuditRecord[] }> | undefined = fetch();
  while (next !== undefined) {
    const { rows }: { rows: StoredAuditRecord[] } = await next;
    // bigint arrives as a number through the driver's INT8 parser; a string here would hash differently.
    for (const row of rows) if (typeof row.seq !== "number") (row as { seq: number }).seq = Number(row.seq);
    next = rows.length === size ? fetch() : undefined;
    try {
      if (rows.length > 0) visit(rows);
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
  }
}

/**
 * Writes `count` records made chunk by chunk by `make(from, to, lastWritten)`, each chunk as one
 * multi-row INSERT (PostgreSQL: one `unnest` of column arrays). The next chunk is made while the
 * previous one is being written, so on PostgreSQL hashing overlaps the server's work. Exported for
 * the benchmark, which writes the same rows through the same path without hashing.
 */
export async function writeRecords(
  db: Kysely<Schema>,
  dialect: DialectName,
  table: string,
  count: number,
  make: (from: number, to: number, after: ChainPoint | undefined) => readonly StoredAuditRecord[],
): Promise<readonly StoredAuditRecord[]> {
  const written: StoredAuditRecord[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  let after: ChainPoint | undefined;
  for (let from = 0; from < count; from += CHUNK_ROWS) {
    let chunk: readonly StoredAuditRecord[];
    try {
      chunk = make(from, Math.min(count, from + CHUNK_ROWS), after);
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
    await pending;
    pending = db.executeQuery(insertQuery(dialect, table, chunk));
    for (const r of chunk) written.push(r);
    after = chunk.at(-1);
  }
  await pending;
  return written;
}

const sqliteInserts = new Map<string, string>();

function insertQuery(dialect: DialectName, table: string, rows: readonly StoredAuditRecord[]): CompiledQuery {
  const columns = `${table} (seq, at, actor, action, subject, data, prev_hash, hash)`;
  if (dialect === "postgres") {
    const cols: [number[], string[], string[], string[], string[], string[], string[], string[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const r of rows) {
      cols[0].push(r.seq);
      cols[1].push(r.at);
      cols[2].push(r.actor);
      cols[3].push(r.action);
      cols[4].push(r.subject);
      cols[5].push(r.dataJson);
      cols[6].push(r.prevHash);
      cols[7].push(r.hash);
    }
    const text = `insert into ${columns} select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`;
    return CompiledQuery.raw(text, cols);
  }
  const key = `${table}:${rows.length}`;
  let text = sqliteInserts.get(key);
  if (text === undefined) {
    text = `insert into ${columns} values ${Array.from({ length: rows.length }, () => "(?,?,?,?,?,?,?,?)").join(",")}`;
    sqliteInserts.set(key, text);
  }
  const params: unknown[] = [];
  for (const r of rows)
    params.push(r.seq, r.at, r.actor, r.action, r.subject, r.dataJson, r.prevHash, r.hash);
  return CompiledQuery.raw(text, params);
}

/** Writes an anchor as one JSON object, through a temporary file so a reader never sees half of it. */
export async function writeAnchorFile(path: string, anchor: AuditAnchor): Promise<void> {
  const { seq, hash, at } = anchor;
  await writeFile(`${path}.tmp`, `${JSON.stringify({ seq, hash, at })}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * Reads an anchor written by `writeAnchorFile` (or by hand: `{"seq": n, "hash": "<64 hex>"}`), or the
 * CloudEvent a webhook received from `audit anchor --webhook`.
 */
export async function readAnchorFile(path: string): Promise<ChainPoint> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError("audit.anchor-file", `cannot read the anchor file ${path}: ${reason}`, {
      cause: error,
    });
  }
  // An anchor received by webhook is a CloudEvent: the point is its `data`.
  const body = (value ?? {}) as { data?: unknown; specversion?: unknown };
  const point = body.specversion !== undefined && typeof body.data === "object" ? body.data : body;
  const { seq, hash } = (point ?? {}) as { seq?: unknown; hash?: unknown };
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0 || typeof hash !== "string")
    throw new InputError("audit.anchor-file", `${path} is not an anchor: expected {"seq": n, "hash": "…"}`);
  if (!/^[0-9a-f]{64}$/.test(hash))
    throw new InputError("audit.anchor-file", `${path}: the hash must be 64 lower-case hex characters`);
  return { seq, hash };
}
