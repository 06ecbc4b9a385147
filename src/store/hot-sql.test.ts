import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { hotQuery, placeholders, repeated } from "./hot-sql.js";
import type { Store } from "./store.js";

describe.each(STORE_TARGETS)("hot-path SQL on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  it("runs fixed texts with ? placeholders inside a transaction, reads and writes", async () => {
    const insert = repeated(
      "test-insert",
      2,
      (n) =>
        `insert into hot_sql_probe (service, environment) values ${Array.from({ length: n }, () => "(?, ?)").join(", ")}`,
    );
    expect(repeated("test-insert", 2, () => "rebuilt")).toBe(insert);
    const rows = await store.database.db.transaction().execute(async (trx) => {
      await hotQuery(
        store.database,
        trx,
        "create temporary table hot_sql_probe (service text, environment text)",
        [],
      );
      await hotQuery(store.database, trx, insert, ["a", "prod", "b", "prod"]);
      return hotQuery<{ service: string }>(
        store.database,
        trx,
        `select service from hot_sql_probe where environment = ? and service in (${placeholders(2)}) order by service`,
        ["prod", "a", "b"],
      );
    });
    expect(rows).toEqual([{ service: "a" }, { service: "b" }]);
  });

  it("refuses to run on SQLite outside a transaction, where another flow's transaction may hold the connection", async () => {
    const outside = hotQuery(store.database, store.database.db, "select 1 as one", []);
    if (store.database.dialect === "sqlite")
      await expect(outside).rejects.toThrow(/only inside a transaction/);
    else await expect(outside).resolves.toEqual([{ one: 1 }]);
  });
});
