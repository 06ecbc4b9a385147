import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";

/**
 * Kysely's SQLite dialect with every transaction begun IMMEDIATE rather than deferred.
 *
 * The store is one file that several processes may write: a server, an engine process beside it,
 * the CLI. A deferred transaction starts as a reader. If it reads and then writes after another
 * process has committed, SQLite cannot upgrade its now stale snapshot and fails the write at once
 * with SQLITE_BUSY_SNAPSHOT ("database is locked"); busy_timeout does not wait for that case. An
 * IMMEDIATE transaction takes the write lock at its start, so a second writer waits on busy_timeout
 * instead, and what a transaction read is still true when it writes.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}
