import type { ColumnDef } from "@pgsql/parser";
import type { RuleHit, StatementCheck } from "../lint-check.js";
import { columnConstraints, columnType, names, tableLabel } from "../sql-ast.js";

const SMALL_INTEGERS = new Set(["int4", "int2", "serial", "serial4", "smallserial", "serial2"]);
const SMALL_SERIALS = new Set(["serial", "serial4", "smallserial", "serial2"]);

/** Column types that store trouble for later: 32-bit keys, timestamp without zone, char(n). */
export const checkColumnTypes: StatementCheck = (statement) => {
  const node = statement.node;
  const hits: RuleHit[] = [];
  if ("CreateStmt" in node) {
    const table = tableLabel(node.CreateStmt.relation);
    const keyColumns = new Set<string>();
    for (const element of node.CreateStmt.tableElts ?? []) {
      if (!("Constraint" in element)) continue;
      const c = element.Constraint;
      if (c.contype === "CONSTR_PRIMARY") for (const k of names(c.keys)) keyColumns.add(k);
      if (c.contype === "CONSTR_FOREIGN") for (const k of names(c.fk_attrs)) keyColumns.add(k);
    }
    for (const element of node.CreateStmt.tableElts ?? []) {
      if ("ColumnDef" in element) hits.push(...checkColumn(table, element.ColumnDef, keyColumns));
    }
  } else if ("AlterTableStmt" in node) {
    const table = tableLabel(node.AlterTableStmt.relation);
    for (const item of node.AlterTableStmt.cmds ?? []) {
      if (!("AlterTableCmd" in item)) continue;
      const cmd = item.AlterTableCmd;
      const def = cmd.def;
      if (def === undefined || !("ColumnDef" in def)) continue;
      if (cmd.subtype === "AT_AddColumn") hits.push(...checkColumn(table, def.ColumnDef, new Set()));
      if (cmd.subtype === "AT_AlterColumnType")
        hits.push(...checkColumn(table, { ...def.ColumnDef, colname: cmd.name }, new Set()));
    }
  }
  return hits;
};

function checkColumn(table: string, column: ColumnDef, keyColumns: ReadonlySet<string>): RuleHit[] {
  const type = columnType(column.typeName);
  const name = `${table}.${column.colname ?? ""}`;
  const hits: RuleHit[] = [];
  if (SMALL_INTEGERS.has(type.name) && !type.isArray) {
    const constraints = columnConstraints(column);
    const isKey =
      keyColumns.has(column.colname ?? "") ||
      SMALL_SERIALS.has(type.name) ||
      constraints.some(
        (c) =>
          c.contype === "CONSTR_PRIMARY" || c.contype === "CONSTR_FOREIGN" || c.contype === "CONSTR_IDENTITY",
      );
    if (isKey)
      hits.push({ ruleId: "prefer-bigint-keys", message: `key column ${name} is ${type.name}; use bigint` });
  }
  if (type.name === "timestamp") {
    hits.push({
      ruleId: "prefer-timestamptz",
      message: `${name} is timestamp without time zone; use timestamptz`,
    });
  }
  if (type.name === "bpchar") {
    const length = type.modifiers[0] === undefined ? "" : `(${type.modifiers[0]})`;
    hits.push({ ruleId: "prefer-text-over-char", message: `${name} is char${length}; use text or varchar` });
  }
  return hits;
}
