import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, sql } from "kysely";
import pg from "pg";
import type { DialectName } from "./dialect-name.js";
import { ImmediateSqliteDialect } from "./immediate-sqlite-dialect.js";
import { allMigrations } from "./migrations/all-migrations.js";
import type { Schema } from "./schema.js";
import { SchemaScopedPostgresDialect } from "./schema-scoped-introspector.js";

export type { DialectName };

// Epoch-millisecond columns are bigint on PostgreSQL; they fit a JavaScript number exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface StoreConfig {
  /** `postgres://…` to use PostgreSQL; otherwise the embedded SQLite store in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** PostgreSQL schema to use (created if missing); tests give each run its own. */
  readonly pgSchema?: string;
}

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: DialectName;
  /** Where the data lives, for messages (a path or the URL without credentials). */
  readonly location: string;
  /** On SQLite: the connection's cached prepared statements, for the run engine's hot path (hot-sql.ts). */
  readonly sqlite?: { prepare(text: string): SQLite.Statement };
  /** On PostgreSQL: the connection pool, for what Kysely cannot express (COPY, see audit-fast-scan.ts). */
  readonly pgPool?: pg.Pool;
  close(): Promise<void>;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** Opens the store and brings its schema up to date (migrations hold a lock, so replicas don't race). */
export async function openDatabase(config: StoreConfig): Promise<Database> {
  const url = config.databaseUrl;
  let database: Database;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    const schema = config.pgSchema;
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    if (schema) {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists "${schema.replaceAll('"', '""')}"`);
      } finally {
        client.release();
      }
    }
    const db = new Kysely<Schema>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
    database = { db, dialect: "postgres", location: redactUrl(url), close: () => db.destroy(), pgPool: pool };
    await migrateToLatest(database, schema);
    return database;
  } else {
    const dir = resolve(config.dataDir ?? ".upshift");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "upshift.db");
    const sqlite = new SQLite(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    const cached = withStatementCache(sqlite);
    const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: cached }) });
    database = { db, dialect: "sqlite", location: file, close: () => db.destroy(), sqlite: cached };
  }
  await migrateToLatest(database);
  return database;
}

/**
 * better-sqlite3 prepares a statement on every call through Kysely; the engine runs the same few
 * statements thousands of times, so keep prepared statements by SQL text (bounded, oldest evicted).
 */
function withStatementCache(sqlite: SQLite.Database, limit = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (cache.size >= limit) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

async function migrateToLatest(database: Database, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db: database.db,
    // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours.
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => allMigrations(database.dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`store schema migration ${failed} failed on ${database.location}`, { cause: error });
  }
}

/** True when the database answers a trivial query (for /readyz). */
export async function isReachable(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
