/**
 * A data-integrity check: a query that finds violations (orphaned rows, negative balances,
 * duplicates) must return zero rows. Any row fails the check; the first rows are the evidence.
 */
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";
import { toMetricValue } from "../../core/analysis/metric-value.js";
import { bindSqlArguments, openSqlDatabase, redact } from "../metrics/sql/sql-database.js";

export interface SqlIntegrityCheckOptions {
  readonly name: string;
  readonly url: string;
  readonly query: string;
  readonly args?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | undefined;
}

const EVIDENCE_ROWS = 5;

/** A check that fails when the query returns any row. */
export function sqlIntegrityCheck(options: SqlIntegrityCheckOptions): Check {
  return {
    kind: "sql-integrity",
    name: options.name,
    async run(): Promise<CheckOutcome> {
      try {
        const db = await openSqlDatabase(options.url, options.timeoutMs ?? 10_000);
        try {
          const { sql, params } = bindSqlArguments(options.query, options.args ?? {}, db.dialect);
          const rows = await db.query(sql, params);
          if (rows.length === 0)
            return { kind: "passed", message: `${options.name}: no violating rows`, evidence: { rows: 0 } };
          const sample = rows
            .slice(0, EVIDENCE_ROWS)
            .map((row) => toMetricValue(JSON.parse(JSON.stringify(row, jsonSafe))) ?? null);
          return {
            kind: "failed",
            message: `${options.name}: ${rows.length} violating row${rows.length === 1 ? "" : "s"}`,
            evidence: { rows: rows.length, sample },
          };
        } finally {
          await db.close();
        }
      } catch (error) {
        return {
          kind: "error",
          message: `${options.name} on ${redact(options.url)}: ${(error as Error).message}`,
          evidence: {},
        };
      }
    },
  };
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
