/**
 * The `sql` metric provider: one query on PostgreSQL, MariaDB or SQLite whose first row's first
 * column is the measurement, e.g. a business KPI (order success rate over the last 5 minutes).
 * Numbers that drivers return as text (PostgreSQL numeric, MySQL DECIMAL) or bigint become numbers.
 */
import {
  type MeasurementContext,
  type MetricProvider,
  MetricProviderError,
} from "../../../core/analysis/metric-provider-port.js";
import type { MetricValue } from "../../../core/analysis/metric-value.js";
import { DEFAULT_PROVIDER_TIMEOUT_MS } from "../http/fetch-with-timeout.js";
import { bindSqlArguments, openSqlDatabase, redact } from "./sql-database.js";

export interface SqlProviderOptions {
  /** postgres://…, mysql://… or mariadb://…, sqlite:PATH */
  readonly url: string;
  /** A query returning one number; `{{args.name}}` becomes a bound parameter. */
  readonly query: string;
  readonly timeoutMs?: number | undefined;
}

/** A provider measuring the number the query returns. */
export function sqlProvider(options: SqlProviderOptions): MetricProvider {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  return {
    kind: "sql",
    async measure(context: MeasurementContext): Promise<MetricValue> {
      const db = await openSqlDatabase(options.url, timeoutMs);
      try {
        const { sql, params } = bindSqlArguments(options.query, context.args, db.dialect);
        let rows: readonly Record<string, unknown>[];
        try {
          rows = await db.query(sql, params);
        } catch (error) {
          throw new MetricProviderError(
            "sql",
            `query failed on ${redact(options.url)}: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        const first = rows[0];
        if (first === undefined)
          throw new MetricProviderError("sql", "the query returned no rows, expected one number");
        return sqlNumber(Object.values(first)[0]);
      } finally {
        await db.close();
      }
    },
  };
}

/** A SQL value as a number (null stays null, so a condition can test `result == nil`). */
export function sqlNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new MetricProviderError(
    "sql",
    `the query returned ${JSON.stringify(String(value)).slice(0, 60)}, expected a number`,
  );
}
