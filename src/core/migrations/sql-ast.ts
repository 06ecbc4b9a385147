import type { ColumnDef, Constraint, Node, RangeVar, TypeName } from "@pgsql/parser";

/** A column type reduced to what the rules compare: base name, modifiers, array-ness. */
export interface ColumnType {
  /** PostgreSQL's internal name, lower case: `int4`, `varchar`, `timestamptz`, `bpchar`, `serial`. */
  readonly name: string;
  /** Type modifiers as written, e.g. `[20]` for varchar(20), `[10, 2]` for numeric(10,2). */
  readonly modifiers: readonly number[];
  readonly isArray: boolean;
}

/** The kind of a parse-tree node: its single key, e.g. `AlterTableStmt`. */
export function nodeKind(node: Node): string {
  for (const key in node) return key;
  return "";
}

/** A table's key in the lint state: `schema.name`, with unqualified names in `public`. */
export function tableKey(relation: RangeVar | undefined): string {
  if (relation === undefined) return "";
  return `${relation.schemaname ?? "public"}.${relation.relname ?? ""}`;
}

/** A table's name as written, for messages. */
export function tableLabel(relation: RangeVar | undefined): string {
  if (relation === undefined) return "?";
  return relation.schemaname === undefined
    ? (relation.relname ?? "?")
    : `${relation.schemaname}.${relation.relname}`;
}

/** The `sval` strings of a list of String nodes (qualified names, column lists). */
export function names(nodes: readonly Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) if ("String" in n) out.push(n.String.sval ?? "");
  return out;
}

/** A TypeName reduced to a ColumnType; aliases are already resolved by the grammar (int → int4). */
export function columnType(typeName: TypeName | undefined): ColumnType {
  const parts = names(typeName?.names);
  const modifiers: number[] = [];
  for (const m of typeName?.typmods ?? []) {
    if ("A_Const" in m) modifiers.push(m.A_Const.ival?.ival ?? 0);
  }
  return {
    name: (parts[parts.length - 1] ?? "").toLowerCase(),
    modifiers,
    isArray: (typeName?.arrayBounds?.length ?? 0) > 0,
  };
}

/** Renders a column type for messages: `varchar(20)`, `int4[]`. */
export function formatColumnType(type: ColumnType): string {
  const mods = type.modifiers.length === 0 ? "" : `(${type.modifiers.join(",")})`;
  return `${type.name}${mods}${type.isArray ? "[]" : ""}`;
}

/** The constraints attached to a column definition. */
export function columnConstraints(column: ColumnDef): Constraint[] {
  const out: Constraint[] = [];
  for (const c of column.constraints ?? []) if ("Constraint" in c) out.push(c.Constraint);
  return out;
}

/** Whether any FuncCall in an expression tree has one of these names (last name part). */
export function findFunctionCall(node: unknown, functions: ReadonlySet<string>): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findFunctionCall(item, functions);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  const call = record.FuncCall as { funcname?: Node[] } | undefined;
  if (call !== undefined) {
    const parts = names(call.funcname);
    const name = (parts[parts.length - 1] ?? "").toLowerCase();
    if (functions.has(name)) return name;
  }
  for (const key in record) {
    const found = findFunctionCall(record[key], functions);
    if (found !== undefined) return found;
  }
  return undefined;
}
