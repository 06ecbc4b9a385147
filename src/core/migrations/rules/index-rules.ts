import type { Node } from "@pgsql/parser";
import type { RuleHit, StatementCheck } from "../lint-check.js";
import { isExistingTable } from "../lint-state.js";
import { names, tableKey, tableLabel } from "../sql-ast.js";

/** Index builds, drops and rebuilds that block writes, and CONCURRENTLY where it cannot run. */
export const checkIndexes: StatementCheck = (statement, state) => {
  const node = statement.node;
  const inTransaction = state.transactionDepth > 0;
  if ("IndexStmt" in node) {
    const index = node.IndexStmt;
    if (index.concurrent === true)
      return inTransaction ? [concurrentlyInTransaction("CREATE INDEX CONCURRENTLY")] : [];
    if (!isExistingTable(state, tableKey(index.relation))) return [];
    const name = index.idxname ?? "(unnamed)";
    return [
      {
        ruleId: "create-index-non-concurrently",
        message: `CREATE INDEX ${name} on ${tableLabel(index.relation)} blocks writes for the whole build`,
      },
    ];
  }
  if ("DropStmt" in node && node.DropStmt.removeType === "OBJECT_INDEX") {
    if (node.DropStmt.concurrent === true)
      return inTransaction ? [concurrentlyInTransaction("DROP INDEX CONCURRENTLY")] : [];
    const hits: RuleHit[] = [];
    for (const object of node.DropStmt.objects ?? []) {
      const name = "List" in object ? (names(object.List.items).pop() ?? "") : "";
      if (state.createdIndexes.has(name)) continue;
      hits.push({
        ruleId: "drop-index-non-concurrently",
        message: `DROP INDEX ${name} takes ACCESS EXCLUSIVE on its table`,
      });
    }
    return hits;
  }
  if ("ReindexStmt" in node) {
    const concurrent = hasOption(node.ReindexStmt.params, "concurrently");
    if (concurrent) return inTransaction ? [concurrentlyInTransaction("REINDEX CONCURRENTLY")] : [];
    const target =
      node.ReindexStmt.relation === undefined
        ? (node.ReindexStmt.name ?? "")
        : tableLabel(node.ReindexStmt.relation);
    return [
      { ruleId: "reindex-non-concurrently", message: `REINDEX ${target} blocks writes while it rebuilds` },
    ];
  }
  if ("AlterTableStmt" in node && inTransaction) {
    for (const cmd of node.AlterTableStmt.cmds ?? []) {
      const def = "AlterTableCmd" in cmd ? cmd.AlterTableCmd.def : undefined;
      if (def !== undefined && "PartitionCmd" in def && def.PartitionCmd.concurrent === true) {
        return [concurrentlyInTransaction("DETACH PARTITION CONCURRENTLY")];
      }
    }
  }
  return [];
};

function concurrentlyInTransaction(what: string): RuleHit {
  return { ruleId: "concurrently-in-transaction", message: `${what} cannot run inside BEGIN ... COMMIT` };
}

function hasOption(params: readonly Node[] | undefined, name: string): boolean {
  return (params ?? []).some((p) => "DefElem" in p && p.DefElem.defname === name);
}
