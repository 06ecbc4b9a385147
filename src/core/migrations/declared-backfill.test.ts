import { beforeAll, describe, expect, it } from "vitest";
import { declaredBackfillSpec, declaredBackfills } from "./declared-backfill.js";
import { loadSqlParser } from "./sql-statements.js";

beforeAll(loadSqlParser);

describe("backfills declared in a migration file", () => {
  it("reads table, key, column and the expression as written, and the dual-write flag", () => {
    const text = `-- upshift: phase=migrate
SET lock_timeout = '1s';
-- café: accents before the statement must not shift the expression
-- upshift: backfill key=id dual-write
UPDATE sales.orders SET total_cents = round(qty * price * 100)::bigint;

-- upshift: backfill key="Order Id"
UPDATE "Orders" SET "Label" = upper(coalesce(name, 'x = y'));
UPDATE orders SET untouched = 1;`;
    const found = declaredBackfills("V3__fill.sql", text);
    expect(found).toEqual([
      {
        ordinal: 1,
        line: 5,
        column: 1,
        table: "sales.orders",
        key: "id",
        targetColumn: "total_cents",
        expression: "round(qty * price * 100)::bigint",
        dualWrite: true,
      },
      {
        ordinal: 2,
        line: 8,
        column: 1,
        table: "Orders",
        key: "Order Id",
        targetColumn: "Label",
        expression: "upper(coalesce(name, 'x = y'))",
        dualWrite: false,
      },
    ]);
    expect(declaredBackfillSpec(found[0] ?? (undefined as never), "staging/orders/V3:5")).toEqual({
      kind: "expression",
      name: "staging/orders/V3:5",
      table: "sales.orders",
      key: "id",
      column: "total_cents",
      expression: "round(qty * price * 100)::bigint",
    });
  });

  it("refuses a marker above anything but a plain single-column UPDATE, at file:line:column", () => {
    const bad = (sql: string) => () =>
      declaredBackfills("V3__x.sql", `-- upshift: backfill key=id\n  ${sql}`);
    const valid = /V3__x\.sql:2:3: a backfill must be a plain UPDATE <table> SET <column> = <expression>/;
    expect(bad("UPDATE orders SET a = 1 WHERE id < 10;")).toThrow(valid);
    expect(bad("UPDATE orders SET a = 1, b = 2;")).toThrow(valid);
    expect(bad("UPDATE orders o SET a = o.b;")).toThrow(valid);
    expect(bad("UPDATE orders SET a = r.x FROM rates r;")).toThrow(valid);
    expect(bad("DELETE FROM orders;")).toThrow(valid);
    expect(() => declaredBackfills("V3__x.sql", "-- upshift: backfill\nUPDATE orders SET a = 1;")).toThrow(
      /V3__x\.sql:2:1: "-- upshift: backfill" needs the key to walk/,
    );
  });

  it("finds none in a file without markers, or one that does not parse (the linter reports it)", () => {
    expect(declaredBackfills("V1.sql", "UPDATE orders SET a = 1;")).toEqual([]);
    expect(declaredBackfills("V1.sql", "-- upshift: backfill key=id\nUPDATE orders SET = ;")).toEqual([]);
  });
});
