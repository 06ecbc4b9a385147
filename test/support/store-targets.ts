import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store } from "../../src/store/store.js";

export const PG_URL = process.env.UPSHIFT_TEST_DATABASE_URL;

export interface StoreTarget {
  readonly name: "sqlite" | "postgres";
  /** Opens a fresh, empty store; `cleanup` removes every trace of it. */
  open(): Promise<{
    store: Store;
    cleanup: () => Promise<void>;
    config: { databaseUrl?: string; dataDir?: string; pgSchema?: string };
  }>;
}

let counter = 0;

/** A fresh PostgreSQL schema name for one test, unique across parallel runs. */
export function freshSchemaName(): string {
  counter += 1;
  return `t_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

const sqliteTarget: StoreTarget = {
  name: "sqlite",
  async open() {
    const dataDir = mkdtempSync(join(tmpdir(), "upshift-test-"));
    const store = await openStore({ dataDir });
    return {
      store,
      config: { dataDir },
      cleanup: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const postgresTarget: StoreTarget = {
  name: "postgres",
  async open() {
    const pgSchema = freshSchemaName();
    const store = await openStore({ databaseUrl: PG_URL, pgSchema });
    return {
      store,
      config: { databaseUrl: PG_URL, pgSchema },
      cleanup: async () => {
        await store.close();
        await dropSchema(pgSchema);
      },
    };
  },
};

/** SQLite always; PostgreSQL when UPSHIFT_TEST_DATABASE_URL is set (CI always sets it). */
export const STORE_TARGETS: StoreTarget[] = PG_URL ? [sqliteTarget, postgresTarget] : [sqliteTarget];
