import type { Node } from "@pgsql/parser";
import { InputError } from "../errors/domain-error.js";
import { parseSql, type SqlStatement } from "./sql-statements.js";

/** A session setting the executor manages itself unless the file sets it. */
export type TimeoutSetting = "lock_timeout" | "statement_timeout";

/** One statement as the executor runs it, in autocommit. */
export interface StatementUnit {
  readonly kind: "statement";
  readonly text: string;
  readonly line: number;
  /** CONCURRENTLY: must run outside any transaction. */
  readonly concurrent: boolean;
  /**
   * Holds no lock that blocks reads or writes once it has it (concurrent builds, VALIDATE
   * CONSTRAINT): it gets lock_timeout but no statement_timeout, which would only kill it.
   */
  readonly blocksNobody: boolean;
  /** The index a CREATE INDEX CONCURRENTLY builds, to drop it if the build leaves it INVALID. */
  readonly concurrentIndex: { readonly schema: string | null; readonly name: string } | null;
  /** Timeouts this statement sets itself (`SET lock_timeout = ...`). */
  readonly sets: readonly TimeoutSetting[];
}

/** A BEGIN ... COMMIT block: run, and retried, as a whole. */
export interface TransactionUnit {
  readonly kind: "transaction";
  readonly line: number;
  /** The statements between BEGIN and COMMIT. */
  readonly statements: readonly StatementUnit[];
  /** How the file ends the block: a block ending in ROLLBACK is run and rolled back, as psql would. */
  readonly ending: "commit" | "rollback";
}

export type ExecutionUnit = StatementUnit | TransactionUnit;

/**
 * Splits a migration into what the executor runs: single statements (autocommit, as psql runs a
 * file, the model the linter assumes) and BEGIN...COMMIT blocks. Statements go to the server one
 * at a time, because a multi-statement query string is an implicit transaction, in which
 * CONCURRENTLY fails (the cause of Flyway's hangs on it). Needs `loadSqlParser()`.
 */
export function executionUnits(file: string, text: string): ExecutionUnit[] {
  const parsed = parseSql(text);
  if (parsed.kind === "syntax-error")
    throw new InputError(
      "migration.syntax-error",
      `${file}:${parsed.position.line}:${parsed.position.column}: ${parsed.message}`,
    );
  const units: ExecutionUnit[] = [];
  let block: { line: number; statements: StatementUnit[] } | undefined;
  for (const statement of parsed.statements) {
    const transaction = transactionKind(statement.node);
    if (transaction === "begin") {
      if (block !== undefined) throw refuse(file, statement, "BEGIN inside a transaction block");
      block = { line: statement.position.line, statements: [] };
      continue;
    }
    if (transaction === "commit" || transaction === "rollback") {
      if (block === undefined) throw refuse(file, statement, "COMMIT or ROLLBACK without BEGIN");
      units.push({
        kind: "transaction",
        line: block.line,
        statements: block.statements,
        ending: transaction,
      });
      block = undefined;
      continue;
    }
    const unit = statementUnit(statement);
    if (block === undefined) units.push(unit);
    else if (unit.concurrent) throw refuse(file, statement, "CONCURRENTLY inside BEGIN ... COMMIT");
    else block.statements.push(unit);
  }
  if (block !== undefined)
    throw new InputError("migration.unterminated", `${file}:${block.line}: BEGIN is never committed`);
  return units;
}

function statementUnit(statement: SqlStatement): StatementUnit {
  const node = statement.node;
  const concurrent = isConcurrent(node);
  const index =
    "IndexStmt" in node && node.IndexStmt.concurrent === true && node.IndexStmt.idxname !== undefined
      ? { schema: node.IndexStmt.relation?.schemaname ?? null, name: node.IndexStmt.idxname }
      : null;
  return {
    kind: "statement",
    text: statement.text,
    line: statement.position.line,
    concurrent,
    blocksNobody: concurrent || onlyValidates(node),
    concurrentIndex: index,
    sets: timeoutsSet(node),
  };
}

function isConcurrent(node: Node): boolean {
  if ("IndexStmt" in node) return node.IndexStmt.concurrent === true;
  if ("DropStmt" in node) return node.DropStmt.concurrent === true;
  if ("ReindexStmt" in node)
    return (node.ReindexStmt.params ?? []).some(
      (p) => "DefElem" in p && p.DefElem.defname === "concurrently",
    );
  return false;
}

function onlyValidates(node: Node): boolean {
  if (!("AlterTableStmt" in node)) return false;
  const cmds = node.AlterTableStmt.cmds ?? [];
  return (
    cmds.length > 0 &&
    cmds.every((c) => "AlterTableCmd" in c && c.AlterTableCmd.subtype === "AT_ValidateConstraint")
  );
}

function timeoutsSet(node: Node): TimeoutSetting[] {
  if (!("VariableSetStmt" in node)) return [];
  const name = (node.VariableSetStmt.name ?? "").toLowerCase();
  return name === "lock_timeout" || name === "statement_timeout" ? [name] : [];
}

function transactionKind(node: Node): "begin" | "commit" | "rollback" | undefined {
  if (!("TransactionStmt" in node)) return undefined;
  const kind = node.TransactionStmt.kind;
  if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") return "begin";
  if (kind === "TRANS_STMT_COMMIT") return "commit";
  if (kind === "TRANS_STMT_ROLLBACK") return "rollback";
  return undefined;
}

function refuse(file: string, statement: SqlStatement, what: string): InputError {
  return new InputError("migration.transaction", `${file}:${statement.position.line}: ${what}`);
}
