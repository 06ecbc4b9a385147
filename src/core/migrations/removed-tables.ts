import { names, tableKey } from "./sql-ast.js";
import { parseSql } from "./sql-statements.js";

/** A table a migration drops or moves away from its name (rename, SET SCHEMA). */
export interface RemovedTable {
  /** `schema.table`, unqualified names in `public`. */
  readonly table: string;
  readonly how: "drop" | "rename" | "set-schema";
  readonly line: number;
  readonly column: number;
}

/**
 * The tables a migration file drops or moves, read with the PostgreSQL parser: what a retention
 * rule must see before a contract runs. A file that does not parse removes nothing here (the
 * linter reports its syntax error). Needs `loadSqlParser()`.
 */
export function removedTables(text: string): RemovedTable[] {
  const parsed = parseSql(text);
  if (parsed.kind !== "parsed") return [];
  const removed: RemovedTable[] = [];
  for (const statement of parsed.statements) {
    const node = statement.node;
    const at = { line: statement.position.line, column: statement.position.column };
    if ("DropStmt" in node && node.DropStmt.removeType === "OBJECT_TABLE") {
      for (const object of node.DropStmt.objects ?? []) {
        const parts = "List" in object ? names(object.List.items) : [];
        const table = parts.length > 1 ? parts.join(".") : `public.${parts[0] ?? ""}`;
        removed.push({ table, how: "drop", ...at });
      }
    } else if ("RenameStmt" in node && node.RenameStmt.renameType === "OBJECT_TABLE") {
      removed.push({ table: tableKey(node.RenameStmt.relation), how: "rename", ...at });
    } else if ("AlterObjectSchemaStmt" in node && node.AlterObjectSchemaStmt.objectType === "OBJECT_TABLE") {
      removed.push({ table: tableKey(node.AlterObjectSchemaStmt.relation), how: "set-schema", ...at });
    }
  }
  return removed;
}
