import type { RuleHit, StatementCheck } from "../lint-check.js";
import { isExistingTable } from "../lint-state.js";
import { names, tableKey, tableLabel } from "../sql-ast.js";

/** Renames and drops that break running clients or destroy data, and TRUNCATE ... CASCADE. */
export const checkDestructive: StatementCheck = (statement, state) => {
  const node = statement.node;
  if ("RenameStmt" in node) {
    const rename = node.RenameStmt;
    if (!isExistingTable(state, tableKey(rename.relation))) return [];
    const table = tableLabel(rename.relation);
    if (rename.renameType === "OBJECT_COLUMN" && rename.relationType === "OBJECT_TABLE") {
      return [
        { ruleId: "rename-column", message: `renames ${table}.${rename.subname} to ${rename.newname}` },
      ];
    }
    if (rename.renameType === "OBJECT_TABLE") {
      return [{ ruleId: "rename-table", message: `renames table ${table} to ${rename.newname}` }];
    }
    return [];
  }
  if ("DropStmt" in node && node.DropStmt.removeType === "OBJECT_TABLE") {
    const hits: RuleHit[] = [];
    for (const object of node.DropStmt.objects ?? []) {
      const parts = "List" in object ? names(object.List.items) : [];
      const key = parts.length > 1 ? parts.join(".") : `public.${parts[0] ?? ""}`;
      if (isExistingTable(state, key))
        hits.push({ ruleId: "drop-table", message: `drops table ${parts.join(".")}` });
    }
    return hits;
  }
  if ("DropdbStmt" in node) {
    return [{ ruleId: "drop-database", message: `drops database ${node.DropdbStmt.dbname ?? ""}` }];
  }
  if ("TruncateStmt" in node && node.TruncateStmt.behavior === "DROP_CASCADE") {
    const tables = (node.TruncateStmt.relations ?? []).map((r) =>
      "RangeVar" in r ? tableLabel(r.RangeVar) : "?",
    );
    return [
      {
        ruleId: "truncate-cascade",
        message: `TRUNCATE ${tables.join(", ")} CASCADE also empties every referencing table`,
      },
    ];
  }
  return [];
};
