import { InputError } from "../errors/domain-error.js";
import { names, nodeKind } from "./sql-ast.js";
import { parseSql } from "./sql-statements.js";

/**
 * The columns a backfill expression reads, found with the PostgreSQL parser (call
 * `loadSqlParser()` first). Also refuses anything that is not one expression: `1; DROP TABLE x`
 * parses as two statements. The dual-write trigger fires on updates of exactly these columns.
 */
export function expressionColumns(expression: string): string[] {
  const parsed = parseSql(`SELECT (${expression})`);
  const statement = parsed.kind === "parsed" ? parsed.statements[0] : undefined;
  if (parsed.kind !== "parsed" || parsed.statements.length !== 1 || statement === undefined)
    throw new InputError("backfill.expression-invalid", `not a single SQL expression: ${expression}`);
  if (nodeKind(statement.node) !== "SelectStmt")
    throw new InputError("backfill.expression-invalid", `not a single SQL expression: ${expression}`);
  const columns = new Set<string>();
  collect(statement.node, columns);
  return [...columns].sort();
}

function collect(node: unknown, out: Set<string>): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) collect(item, out);
    return;
  }
  const record = node as Record<string, unknown>;
  const ref = record.ColumnRef as { fields?: Parameters<typeof names>[0] } | undefined;
  if (ref !== undefined) {
    // `price` or `orders.price`: the column is the last name part (a `*` has no String part).
    const parts = names(ref.fields);
    const last = parts[parts.length - 1];
    if (last !== undefined) out.add(last);
    return;
  }
  for (const key in record) collect(record[key], out);
}
