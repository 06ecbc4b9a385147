import type { AlterTableCmd, ColumnDef, Constraint, Node } from "@pgsql/parser";
import { isBinaryCoercible } from "../binary-coercible.js";
import type { LintOptions, RuleHit, StatementCheck } from "../lint-check.js";
import { isExistingTable, type LintState } from "../lint-state.js";
import {
  columnConstraints,
  columnType,
  findFunctionCall,
  formatColumnType,
  names,
  tableKey,
  tableLabel,
} from "../sql-ast.js";
import { SERIAL_TYPES, VOLATILE_FUNCTIONS } from "../volatile-functions.js";

/** Locking and compatibility hazards of ALTER TABLE on a table that clients already use. */
export const checkAlterTable: StatementCheck = (statement, state, options) => {
  const node = statement.node;
  if (!("AlterTableStmt" in node) || node.AlterTableStmt.objtype !== "OBJECT_TABLE") return [];
  const key = tableKey(node.AlterTableStmt.relation);
  if (!isExistingTable(state, key)) return []; // created in this file: empty, nobody reads it yet
  const table = tableLabel(node.AlterTableStmt.relation);
  const hits: RuleHit[] = [];
  for (const item of node.AlterTableStmt.cmds ?? []) {
    if ("AlterTableCmd" in item)
      hits.push(...checkCommand(item.AlterTableCmd, { key, table, state, options }));
  }
  return hits;
};

interface Target {
  readonly key: string;
  readonly table: string;
  readonly state: LintState;
  readonly options: LintOptions;
}

function checkCommand(cmd: AlterTableCmd, target: Target): RuleHit[] {
  const def = cmd.def;
  const column = cmd.name ?? "";
  switch (cmd.subtype) {
    case "AT_AddColumn":
      return def !== undefined && "ColumnDef" in def ? checkAddColumn(def.ColumnDef, target) : [];
    case "AT_AddConstraint":
      return def !== undefined && "Constraint" in def ? checkConstraint(def.Constraint, target.table) : [];
    case "AT_SetNotNull": {
      const checked = target.state.notNullChecks.has(`${target.key}.${column}`);
      if (checked && target.options.postgresMajor >= 12) return [];
      return [
        {
          ruleId: "set-not-null",
          message: `SET NOT NULL on ${target.table}.${column} scans the table under ACCESS EXCLUSIVE`,
        },
      ];
    }
    case "AT_AlterColumnType":
      return def !== undefined && "ColumnDef" in def ? checkTypeChange(column, def.ColumnDef, target) : [];
    case "AT_DropColumn":
      return [{ ruleId: "drop-column", message: `drops column ${target.table}.${column}` }];
    default:
      return [];
  }
}

function checkAddColumn(column: ColumnDef, target: Target): RuleHit[] {
  const name = `${target.table}.${column.colname ?? ""}`;
  const constraints = columnConstraints(column);
  const has = (type: Constraint["contype"]) => constraints.some((c) => c.contype === type);
  const serial = SERIAL_TYPES.has(columnType(column.typeName).name);
  const hits: RuleHit[] = [];
  const fillsRows = has("CONSTR_DEFAULT") || has("CONSTR_IDENTITY") || has("CONSTR_GENERATED") || serial;
  if (has("CONSTR_NOTNULL") && !fillsRows) {
    hits.push({
      ruleId: "add-not-null-column-without-default",
      message: `adds NOT NULL column ${name} without a default`,
    });
  }
  const defaultExpr = constraints.find((c) => c.contype === "CONSTR_DEFAULT")?.raw_expr;
  const stored = constraints.find((c) => c.contype === "CONSTR_GENERATED");
  const rewrite =
    stored === undefined
      ? defaultRewrite(defaultExpr, target.options)
      : "a stored generated expression, computed for every row: full table rewrite";
  if (rewrite !== undefined)
    hits.push({ ruleId: "volatile-default", message: `adds ${name} with ${rewrite}` });
  if (serial || has("CONSTR_IDENTITY")) {
    const kind = serial ? "serial" : "identity";
    hits.push({
      ruleId: "add-serial-column",
      message: `adds ${kind} column ${name}: every row is rewritten to get a value`,
    });
  }
  for (const c of constraints) hits.push(...checkConstraint(c, target.table, name));
  return hits;
}

/** Why a column default forces a rewrite on this PostgreSQL version, or undefined if it does not. */
function defaultRewrite(expr: Node | undefined, options: LintOptions): string | undefined {
  if (expr === undefined || ("A_Const" in expr && expr.A_Const.isnull === true)) return undefined;
  const volatile = findFunctionCall(expr, VOLATILE_FUNCTIONS);
  if (volatile !== undefined)
    return `the volatile default ${volatile}(), evaluated per row: full table rewrite`;
  if (options.postgresMajor < 11)
    return `a default on PostgreSQL ${options.postgresMajor} (< 11): full table rewrite`;
  return undefined;
}

function checkConstraint(constraint: Constraint, table: string, column?: string): RuleHit[] {
  const label = constraint.conname ?? (column === undefined ? table : column);
  switch (constraint.contype) {
    case "CONSTR_FOREIGN":
    case "CONSTR_CHECK":
      if (constraint.skip_validation === true) return [];
      return [
        {
          ruleId: "constraint-without-not-valid",
          message: `${constraint.contype === "CONSTR_FOREIGN" ? "foreign key" : "check"} ${label} on ${table} is validated while it is added`,
        },
      ];
    case "CONSTR_UNIQUE":
    case "CONSTR_PRIMARY":
    case "CONSTR_EXCLUSION":
      if (constraint.indexname !== undefined) return []; // USING INDEX: the index already exists
      return [
        {
          ruleId: "add-unique-constraint",
          message: `${constraintWord(constraint)} ${label} builds its index under ACCESS EXCLUSIVE`,
        },
      ];
    default:
      return [];
  }
}

function constraintWord(constraint: Constraint): string {
  return constraint.contype === "CONSTR_PRIMARY"
    ? "primary key"
    : constraint.contype === "CONSTR_UNIQUE"
      ? "unique constraint"
      : "exclusion constraint";
}

function checkTypeChange(column: string, def: ColumnDef, target: Target): RuleHit[] {
  const to = columnType(def.typeName);
  const from = target.state.catalog.get(target.key)?.get(column);
  const using = def.raw_default;
  // A USING expression other than the bare column computes new values: always a rewrite.
  const trivialUsing =
    using === undefined || ("ColumnRef" in using && names(using.ColumnRef.fields).pop() === column);
  if (from !== undefined && trivialUsing && isBinaryCoercible(from, to)) return [];
  const change =
    from === undefined
      ? `(current type unknown to the linter) to ${formatColumnType(to)}`
      : `from ${formatColumnType(from)} to ${formatColumnType(to)}`;
  return [
    {
      ruleId: "change-column-type",
      message: `changes ${target.table}.${column} ${change}: table rewrite under ACCESS EXCLUSIVE`,
    },
  ];
}
