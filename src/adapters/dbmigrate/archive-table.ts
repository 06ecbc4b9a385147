import type pg from "pg";
import { ConflictError, InputError } from "../../core/errors/domain-error.js";
import type { ReconciliationResult } from "../../core/migrations/reconciliation.js";
import { formatReconciliation } from "../../core/migrations/reconciliation.js";
import { identifierSlug, quoteIdentifier, quoteQualifiedName } from "../../core/migrations/sql-identifier.js";
import type { PlanArchive } from "../../core/planner/release-plan.js";
import { reconcileTables } from "./reconcile.js";

/** What archiving one table did: copied now, or found already copied by an earlier attempt. */
export interface ArchiveOutcome {
  readonly table: string;
  readonly archiveTable: string;
  readonly rows: number;
  readonly copied: boolean;
  readonly reconciliation: ReconciliationResult | null;
}

const exists = async (client: pg.ClientBase, name: string) =>
  (await client.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [quoteQualifiedName(name)]))
    .rows[0]?.t != null;

async function primaryKey(client: pg.ClientBase, table: string): Promise<string | undefined> {
  const r = await client.query<{ column: string }>(
    `SELECT a.attname AS column FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary AND i.indnatts = 1`,
    [quoteQualifiedName(table)],
  );
  return r.rows[0]?.column;
}

/**
 * Copies a retained table into its archive schema before a contract drops or moves it: one
 * transaction creates the copy and fills it, so a copy that exists is complete (a crash before
 * COMMIT leaves nothing, and the next attempt copies again). The copy is then reconciled with
 * the source (counts and per-range checksums on the primary key) and made read-only by a trigger
 * that refuses every write: archived rows must stay as they were.
 */
export async function archiveTable(client: pg.ClientBase, archive: PlanArchive): Promise<ArchiveOutcome> {
  const [schema] = archive.archiveTable.split(".");
  const target = quoteQualifiedName(archive.archiveTable);
  const sourceExists = await exists(client, archive.table);
  if (await exists(client, archive.archiveTable)) {
    const rows = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${target}`);
    return {
      table: archive.table,
      archiveTable: archive.archiveTable,
      rows: Number(rows.rows[0]?.n),
      copied: false,
      reconciliation: null,
    };
  }
  if (!sourceExists)
    throw new ConflictError(
      "archive.source-missing",
      `${archive.table} is under a ${archive.retention} retention rule, but it is gone and ${archive.archiveTable} does not exist: restore it from a backup before the contract ${archive.migration} can be considered done`,
    );
  await client.query("BEGIN");
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema ?? "archive")}`);
    await client.query(`CREATE TABLE ${target} (LIKE ${quoteQualifiedName(archive.table)} INCLUDING ALL)`);
    await client.query(`INSERT INTO ${target} SELECT * FROM ${quoteQualifiedName(archive.table)}`);
    const fn = quoteQualifiedName(
      `${schema ?? "archive"}.upshift_read_only_${identifierSlug(archive.archiveTable)}`,
    );
    await client.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'archived table %.% is read-only (retention ${archive.retention})', TG_TABLE_SCHEMA, TG_TABLE_NAME; END $$`,
    );
    await client.query(
      `CREATE TRIGGER upshift_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${target} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  const key = await primaryKey(client, archive.table);
  if (key === undefined)
    throw new InputError(
      "archive.no-key",
      `${archive.table} has no single-column primary key to reconcile its archive copy on`,
    );
  const reconciliation = await reconcileTables(client, {
    source: archive.table,
    target: archive.archiveTable,
    key,
  });
  if (reconciliation.kind === "mismatch")
    throw new ConflictError(
      "archive.mismatch",
      `the archive copy of ${archive.table} differs from it: ${formatReconciliation(reconciliation).join("; ")}`,
    );
  return {
    table: archive.table,
    archiveTable: archive.archiveTable,
    rows: reconciliation.rows,
    copied: true,
    reconciliation,
  };
}

/**
 * After the contract: where the table was, a view over the archive keeps old readers working;
 * writes through it hit the archive's read-only trigger. Left alone when the name is taken again.
 */
export async function archiveView(client: pg.ClientBase, archive: PlanArchive): Promise<boolean> {
  const taken = await client.query<{ kind: string | null }>(
    "SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS kind",
    [quoteQualifiedName(archive.view)],
  );
  const kind = taken.rows[0]?.kind ?? null;
  if (kind !== null && kind !== "v") return false;
  await client.query(
    `CREATE OR REPLACE VIEW ${quoteQualifiedName(archive.view)} AS SELECT * FROM ${quoteQualifiedName(archive.archiveTable)}`,
  );
  return true;
}
