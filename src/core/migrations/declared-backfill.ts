import { InputError } from "../errors/domain-error.js";
import type { BackfillSpec } from "./backfill-spec.js";
import { createSourceMap } from "./source-position.js";
import { tableLabel } from "./sql-ast.js";
import { parseSql, type SqlStatement } from "./sql-statements.js";

/**
 * A backfill declared in a `migrate` file: the comment `-- upshift: backfill key=<column>` right
 * above a plain `UPDATE <table> SET <column> = <expression>` (no WHERE, FROM or RETURNING). The
 * file says what it means in ordinary SQL; Upshift runs it in keyset batches with checkpoints
 * instead of one statement that locks every row.
 */
export interface DeclaredBackfill {
  readonly ordinal: number;
  readonly line: number;
  readonly column: number;
  readonly table: string;
  readonly key: string;
  readonly targetColumn: string;
  readonly expression: string;
  /** `dual-write` in the marker: a trigger keeps rows written during the transition right (dropped at contract). */
  readonly dualWrite: boolean;
}

const MARKER = /^upshift:\s*backfill\b(.*)$/i;

/** The backfills a migration file declares, in file order; errors name file:line:column. Needs `loadSqlParser()`. */
export function declaredBackfills(file: string, text: string): DeclaredBackfill[] {
  const parsed = parseSql(text);
  if (parsed.kind !== "parsed") return [];
  const map = createSourceMap(text);
  const found: DeclaredBackfill[] = [];
  for (const statement of parsed.statements) {
    const marker = statement.leadingComments.map((c) => MARKER.exec(c.body)).find((m) => m !== null);
    if (marker === undefined || marker === null) continue;
    const where = `${file}:${statement.position.line}:${statement.position.column}`;
    const key = /\bkey\s*=\s*("[^"]+"|[A-Za-z_][\w$]*)/.exec(marker[1] ?? "")?.[1];
    if (key === undefined)
      throw new InputError(
        "backfill.declaration",
        `${where}: "-- upshift: backfill" needs the key to walk, e.g. "-- upshift: backfill key=id"`,
      );
    const dualWrite = /\bdual-write\b/.test(marker[1] ?? "");
    found.push({
      ...fromUpdate(statement, key.replace(/^"|"$/g, ""), where, (byte) => map.indexOfByte(byte), text),
      dualWrite,
    });
  }
  return found;
}

function fromUpdate(
  statement: SqlStatement,
  key: string,
  where: string,
  indexOfByte: (byte: number) => number,
  text: string,
): Omit<DeclaredBackfill, "dualWrite"> {
  const node = statement.node;
  const valid =
    "a plain UPDATE <table> SET <column> = <expression>, without WHERE, FROM, RETURNING or an alias";
  if (!("UpdateStmt" in node))
    throw new InputError("backfill.declaration", `${where}: a backfill must be ${valid}`);
  const update = node.UpdateStmt;
  const targets = update.targetList ?? [];
  const first = targets[0];
  const target = first !== undefined && "ResTarget" in first ? first.ResTarget : undefined;
  if (
    targets.length !== 1 ||
    target?.name === undefined ||
    (target.indirection ?? []).length > 0 ||
    update.whereClause !== undefined ||
    (update.fromClause ?? []).length > 0 ||
    (update.returningList ?? []).length > 0 ||
    update.withClause !== undefined ||
    update.relation?.alias !== undefined
  )
    throw new InputError("backfill.declaration", `${where}: a backfill must be ${valid}`);
  // The expression is the source text after `<column> =`, up to the statement's end.
  const end = statement.position.index + statement.text.length;
  const rest = text.slice(indexOfByte(target.location ?? 0), end);
  const assignment = /^("(?:[^"]|"")+"|[^\s=]+)\s*=\s*([\s\S]+)$/.exec(rest);
  const expression = assignment?.[2]?.trim();
  if (expression === undefined || expression === "")
    throw new InputError(
      "backfill.declaration",
      `${where}: cannot read the expression of SET ${target.name}`,
    );
  return {
    ordinal: statement.ordinal,
    line: statement.position.line,
    column: statement.position.column,
    table: tableLabel(update.relation),
    key,
    targetColumn: target.name,
    expression,
  };
}

/** The runnable spec of a declared backfill; `name` keys its checkpoint (environment and file included). */
export function declaredBackfillSpec(
  backfill: DeclaredBackfill,
  name: string,
): Extract<BackfillSpec, { kind: "expression" }> {
  return {
    kind: "expression",
    name,
    table: backfill.table,
    key: backfill.key,
    column: backfill.targetColumn,
    expression: backfill.expression,
  };
}
