// Kysely's own PostgreSQL introspector reads every schema and calls name-taking catalog functions on
// each row; PostgreSQL fails such a query (3F000, naming the other schema) when another session
// drops a schema at that moment. Test suites and shared databases do that all the time: opening a
// store must not fail for it, so our dialect's introspector looks only at our own schema.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, PG_URL } from "../../test/support/store-targets.js";
import { openStore } from "./store.js";

describe.skipIf(!PG_URL)("opening a PostgreSQL store while other schemas are dropped", () => {
  it("migrates every time while other sessions create and drop schemas", async () => {
    const until = Date.now() + 60_000;
    let opening = true;
    // Two sessions create and drop schemas with tables in a tight loop until the stores are opened.
    const churn = async (tag: string) => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      let dropped = 0;
      try {
        for (let i = 0; opening && Date.now() < until; i++) {
          const name = `churn_${process.pid}_${tag}_${i}`;
          await client.query(`create schema ${name}; create table ${name}.a (x int, y text)`);
          await client.query(`drop schema ${name} cascade`);
          dropped++;
        }
      } finally {
        await client.end();
      }
      return dropped;
    };
    const churners = [churn("a"), churn("b")];
    const opened: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const pgSchema = freshSchemaName();
        const store = await openStore({ databaseUrl: PG_URL, pgSchema });
        try {
          // The introspector sees our tables, and only ours.
          const tables = await store.database.db.introspection.getTables({ withInternalKyselyTables: true });
          expect(tables.every((t) => t.schema === pgSchema)).toBe(true);
          const names = tables.map((t) => t.name);
          expect(names).toContain("kysely_migration");
          expect(names).toContain("documents");
          opened.push(pgSchema);
        } finally {
          await store.close();
          await dropSchema(pgSchema);
        }
      }
    } finally {
      opening = false;
    }
    const dropped = await Promise.all(churners);
    expect(opened).toHaveLength(12);
    // The race was really there: schemas were being dropped throughout.
    expect(dropped.every((n) => n > 10)).toBe(true);
  }, 90_000);
});
