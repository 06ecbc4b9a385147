import { beforeAll, describe, expect, it } from "vitest";
import { executionUnits } from "./execution-unit.js";
import { DEFAULT_LOCK_RETRY_POLICY, lockRetryDelayMs } from "./lock-retry.js";
import { loadSqlParser } from "./sql-statements.js";

beforeAll(loadSqlParser);

describe("executionUnits", () => {
  it("runs statements one by one and BEGIN...COMMIT blocks as one unit", () => {
    const units = executionUnits(
      "V1__x.sql",
      [
        "SET lock_timeout = '1s';",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_c ON sales.orders (c);",
        "BEGIN;",
        "ALTER TABLE orders ADD COLUMN IF NOT EXISTS a int;",
        "ALTER TABLE orders ADD COLUMN IF NOT EXISTS b int;",
        "COMMIT;",
        "ALTER TABLE orders VALIDATE CONSTRAINT c_fk;",
      ].join("\n"),
    );
    expect(units.map((u) => u.kind)).toEqual(["statement", "statement", "transaction", "statement"]);
    expect(units[0]).toMatchObject({ sets: ["lock_timeout"], concurrent: false });
    expect(units[1]).toMatchObject({
      concurrent: true,
      blocksNobody: true,
      concurrentIndex: { schema: "sales", name: "orders_c" },
    });
    expect(units[2]).toMatchObject({ kind: "transaction", line: 3, ending: "commit" });
    expect(units[2]?.kind === "transaction" && units[2].statements.length).toBe(2);
    expect(units[3]).toMatchObject({ concurrent: false, blocksNobody: true });
  });

  it("refuses CONCURRENTLY inside a block and an unterminated block", () => {
    expect(() => executionUnits("V1.sql", "BEGIN; DROP INDEX CONCURRENTLY x; COMMIT;")).toThrow(
      /V1.sql:1: CONCURRENTLY inside BEGIN/,
    );
    expect(() => executionUnits("V1.sql", "SELECT 1;\nBEGIN;\nSELECT 2;")).toThrow(
      /V1.sql:2: BEGIN is never/,
    );
  });
});

describe("lockRetryDelayMs", () => {
  it("doubles up to the cap, with at most half of it random", () => {
    const p = { ...DEFAULT_LOCK_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => lockRetryDelayMs(a, p, 0))).toEqual([50, 100, 200, 400, 500]);
    expect(lockRetryDelayMs(2, p, 0.999)).toBe(200);
  });
});
