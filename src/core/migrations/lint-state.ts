import type { ColumnType } from "./sql-ast.js";
import type { SqlStatement } from "./sql-statements.js";

/**
 * Column types of tables created by earlier migrations of the set, keyed by `schema.table` then
 * column name; lets the type-change rule tell a harmless widening from a rewrite.
 */
export type SchemaCatalog = ReadonlyMap<string, ReadonlyMap<string, ColumnType>>;

/** Whether a timeout is in force: not set, set for the session, or set LOCAL to the transaction. */
export type TimeoutScope = "unset" | "session" | "local";

/**
 * What the linter knows at a statement, from the statements before it in the same file.
 * One lint run owns one state and updates it in place, statement by statement: copying sets on
 * every step would make a 10,000-statement file quadratic.
 */
export interface LintState {
  /** Open explicit transaction blocks (more than 1 means a nested BEGIN). */
  transactionDepth: number;
  /** The BEGIN that opened the current block. */
  transactionStart: SqlStatement | undefined;
  lockTimeout: TimeoutScope;
  statementTimeout: TimeoutScope;
  /** Tables created earlier in this file: empty and invisible to clients, so no lock hazard. */
  readonly createdTables: Set<string>;
  /** Indexes created earlier in this file (by name), whose drop cannot block anyone. */
  readonly createdIndexes: Set<string>;
  /** `table.column` pairs with a valid `CHECK (column IS NOT NULL)` from earlier in this file. */
  readonly notNullChecks: Set<string>;
  /** Such checks added NOT VALID and not validated yet: `table.constraint` → column. */
  readonly pendingNotNullChecks: Map<string, string>;
  /** Column types known from earlier migrations and this file so far. */
  readonly catalog: Map<string, Map<string, ColumnType>>;
}

/** A fresh state at the top of a file, seeded with the column types of earlier migrations. */
export function initialLintState(catalog: SchemaCatalog, presetTimeouts: readonly string[] = []): LintState {
  const copy = new Map<string, Map<string, ColumnType>>();
  for (const [table, columns] of catalog) copy.set(table, new Map(columns));
  return {
    transactionDepth: 0,
    transactionStart: undefined,
    lockTimeout: presetTimeouts.includes("lock_timeout") ? "session" : "unset",
    statementTimeout: presetTimeouts.includes("statement_timeout") ? "session" : "unset",
    createdTables: new Set(),
    createdIndexes: new Set(),
    notNullChecks: new Set(),
    pendingNotNullChecks: new Map(),
    catalog: copy,
  };
}

/** True when a table is visible to running clients (not created in this very file). */
export function isExistingTable(state: LintState, key: string): boolean {
  return !state.createdTables.has(key);
}
