import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./database.js";
import type { Schema } from "./schema.js";

/**
 * The run engine's hot path runs a few statements thousands of times a second. Building them with
 * Kysely costs more than executing them on SQLite (an operation node per parameter, frozen, then
 * compiled), so they are fixed SQL texts with `?` placeholders: on SQLite a cached prepared
 * better-sqlite3 statement on the connection the transaction holds, on PostgreSQL a precompiled
 * query (`$n` placeholders) through Kysely's executor. Texts must be reused string values (see
 * `repeated`) so the statement cache finds them without re-hashing a new string.
 */
export async function hotQuery<R>(
  database: Database,
  executor: Kysely<Schema>,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  if (database.sqlite !== undefined) {
    // Inside a Kysely transaction the connection is ours until it commits; outside one, another
    // flow's open transaction could be holding it, and this statement would land in that.
    if (!executor.isTransaction) throw new Error("hotQuery on SQLite runs only inside a transaction");
    const statement = database.sqlite.prepare(text);
    if (statement.reader) return statement.all(params) as R[];
    statement.run(params);
    return [];
  }
  const result = await executor.executeQuery<R>(CompiledQuery.raw(postgresText(text), [...params]));
  return result.rows as R[];
}

const postgresTexts = new Map<string, string>();

function postgresText(text: string): string {
  let out = postgresTexts.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    postgresTexts.set(text, out);
  }
  return out;
}

const repeatedTexts = new Map<string, string>();

/** `build(n)` for a list length `n`, built once per (name, n) and then the same string value. */
export function repeated(name: string, n: number, build: (n: number) => string): string {
  const key = `${name}/${n}`;
  let text = repeatedTexts.get(key);
  if (text === undefined) {
    text = build(n);
    repeatedTexts.set(key, text);
  }
  return text;
}

/** `?, ?, ?` for `n` placeholders. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");
