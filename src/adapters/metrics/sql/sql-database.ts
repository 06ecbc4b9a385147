/**
 * One short-lived connection to the database a SQL metric or check reads: PostgreSQL (pg),
 * MariaDB/MySQL (mysql2) or SQLite (better-sqlite3), chosen by the URL's scheme. Arguments are
 * always bound parameters, never spliced into the SQL text.
 */
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { MetricProviderError } from "../../../core/analysis/metric-provider-port.js";
import { templateArgumentNames } from "../../../core/analysis/metric-template.js";
import { InputError } from "../../../core/errors/domain-error.js";

export type SqlDialect = "postgres" | "mysql" | "sqlite";

export interface SqlDatabase {
  readonly dialect: SqlDialect;
  /** Rows as objects, columns in select order. */
  query(sql: string, params: readonly unknown[]): Promise<readonly Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The dialect a URL names: postgres://, postgresql://, mysql://, mariadb://, sqlite:PATH or a file path. */
export function sqlDialectOf(url: string): SqlDialect {
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  if (/^(mysql|mariadb):\/\//.test(url)) return "mysql";
  if (/^sqlite:/.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return "sqlite";
  throw new InputError(
    "sql-url-invalid",
    `unsupported database URL scheme in ${redact(url)}: use postgres://, mysql://, mariadb:// or sqlite:PATH`,
  );
}

/**
 * The SQL with each `{{args.name}}` replaced by the dialect's placeholder ($1 or ?) and the
 * values in order; throws when an argument has no value.
 */
export function bindSqlArguments(
  sql: string,
  args: Readonly<Record<string, string>>,
  dialect: SqlDialect,
): { readonly sql: string; readonly params: readonly string[] } {
  const missing = templateArgumentNames(sql).filter((n) => !Object.hasOwn(args, n));
  if (missing.length > 0)
    throw new InputError(
      "metric-argument-missing",
      `the query uses ${missing.map((n) => `{{args.${n}}}`).join(", ")} without a value`,
    );
  const params: string[] = [];
  const bound = sql.replace(/\{\{\s*args\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g, (_, name: string) => {
    params.push(args[name]!);
    return dialect === "postgres" ? `$${params.length}` : "?";
  });
  return { sql: bound, params };
}

/** Opens a connection; `timeoutMs` bounds connecting and each query where the driver allows it. */
export async function openSqlDatabase(url: string, timeoutMs: number): Promise<SqlDatabase> {
  const dialect = sqlDialectOf(url);
  try {
    switch (dialect) {
      case "postgres": {
        const client = new pg.Client({
          connectionString: url,
          connectionTimeoutMillis: timeoutMs,
          query_timeout: timeoutMs,
        });
        await client.connect();
        return {
          dialect,
          query: async (sql, params) =>
            (await client.query(sql, [...params])).rows as Record<string, unknown>[],
          close: () => client.end(),
        };
      }
      case "mysql": {
        const connection = await mysql.createConnection({
          uri: url.replace(/^mariadb:/, "mysql:"),
          connectTimeout: timeoutMs,
        });
        return {
          dialect,
          query: async (sql, params) => {
            const [rows] = await connection.query({ sql, timeout: timeoutMs }, [...params]);
            return rows as Record<string, unknown>[];
          },
          close: () => connection.end(),
        };
      }
      case "sqlite": {
        const db = new Database(url.replace(/^sqlite:(\/\/)?/, ""), {
          readonly: true,
          fileMustExist: true,
          timeout: timeoutMs,
        });
        return {
          dialect,
          query: async (sql, params) => db.prepare(sql).all(...params) as Record<string, unknown>[],
          close: async () => {
            db.close();
          },
        };
      }
      default:
        return assertNever(dialect);
    }
  } catch (error) {
    throw new MetricProviderError("sql", `cannot connect to ${redact(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

function assertNever(value: never): never {
  throw new Error(`unexpected dialect ${String(value)}`);
}
