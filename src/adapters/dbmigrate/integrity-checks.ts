import type pg from "pg";

/** Rows of a table whose foreign key points nowhere (MATCH SIMPLE: rows with a NULL key column are exempt). */
export interface ForeignKeyCheck {
  readonly constraint: string;
  readonly table: string;
  readonly references: string;
  readonly columns: readonly string[];
  /** False for a constraint added NOT VALID and never validated: PostgreSQL has not checked old rows. */
  readonly validated: boolean;
  readonly orphans: number;
  /** Up to five orphan keys, as `(col, ...)` text. */
  readonly sample: readonly string[];
}

/** Rows that break a CHECK constraint (possible only when it is NOT VALID). */
export interface CheckConstraintCheck {
  readonly constraint: string;
  readonly table: string;
  readonly definition: string;
  readonly validated: boolean;
  readonly violations: number;
}

export interface IntegrityReport {
  readonly foreignKeys: readonly ForeignKeyCheck[];
  readonly checks: readonly CheckConstraintCheck[];
  /** Indexes left INVALID by a failed concurrent build. */
  readonly invalidIndexes: readonly string[];
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Checks referential integrity and constraints in the database itself: for every foreign key,
 * including NOT VALID ones, the rows whose key has no referenced row; for every CHECK constraint
 * the rows that break it; and INVALID indexes. System schemas are skipped.
 */
export async function checkIntegrity(client: pg.ClientBase): Promise<IntegrityReport> {
  const fks = await client.query<{
    name: string;
    child: string;
    parent: string;
    child_cols: string[];
    parent_cols: string[];
    validated: boolean;
  }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
            c.convalidated AS validated,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS child_cols,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS parent_cols
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 2, 1`,
  );
  const foreignKeys: ForeignKeyCheck[] = [];
  for (const fk of fks.rows) {
    const notNull = fk.child_cols.map((c) => `c.${ident(c)} IS NOT NULL`).join(" AND ");
    const join = fk.child_cols
      .map((c, i) => `p.${ident(fk.parent_cols[i] ?? "")} = c.${ident(c)}`)
      .join(" AND ");
    const orphan = `FROM ${fk.child} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${join})`;
    const count = await client.query<{ n: string }>(`SELECT count(*)::text AS n ${orphan}`);
    const orphans = Number(count.rows[0]?.n ?? 0);
    const sample =
      orphans === 0
        ? []
        : (
            await client.query<{ k: string }>(
              `SELECT row(${fk.child_cols.map((col) => `c.${ident(col)}`).join(", ")})::text AS k ${orphan} LIMIT 5`,
            )
          ).rows.map((r) => r.k);
    foreignKeys.push({
      constraint: fk.name,
      table: fk.child,
      references: fk.parent,
      columns: fk.child_cols,
      validated: fk.validated,
      orphans,
      sample,
    });
  }
  const checkRows = await client.query<{ name: string; tbl: string; def: string; validated: boolean }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def, c.convalidated AS validated
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'c' AND c.conrelid <> 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 2, 1`,
  );
  const checks: CheckConstraintCheck[] = [];
  for (const row of checkRows.rows) {
    const expression = row.def.replace(/^CHECK\s*/, "").replace(/\s*NOT VALID$/, "");
    const n = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${row.tbl} WHERE NOT ${expression}`,
    );
    checks.push({
      constraint: row.name,
      table: row.tbl,
      definition: row.def,
      validated: row.validated,
      violations: Number(n.rows[0]?.n ?? 0),
    });
  }
  const invalid = await client.query<{ name: string }>(
    "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1",
  );
  return { foreignKeys, checks, invalidIndexes: invalid.rows.map((r) => r.name) };
}
