import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { advanceCheckpoint, initialCheckpoint } from "./backfill-checkpoint.js";
import { addToChecksum, EMPTY_CHECKSUM } from "./backfill-checksum.js";
import { expressionColumns } from "./backfill-expression.js";
import { backfillProgress, formatBackfillProgress, formatDuration } from "./backfill-progress.js";
import { backfillFingerprint, validateBackfillSpec } from "./backfill-spec.js";
import { backfillSql, dualWriteTriggerSql } from "./backfill-sql.js";
import { DEFAULT_BATCH_SIZE_POLICY, nextBatchSize } from "./batch-size.js";
import { loadSqlParser } from "./sql-statements.js";

beforeAll(loadSqlParser);

const spec = {
  kind: "expression",
  name: "orders-cents",
  table: "sales.orders",
  key: "id",
  column: "total_cents",
  expression: "round(price * 100)::bigint",
} as const;

describe("nextBatchSize", () => {
  it("aims below the target duration from the observed rate", () => {
    // 10,000 rows in 200 ms = 50 rows/ms; 75% of the 100 ms target → 3,750.
    expect(nextBatchSize(10_000, 200, 10_000)).toBe(3_750);
    expect(nextBatchSize(10_000, 200, 10_000, { ...DEFAULT_BATCH_SIZE_POLICY, aim: 1 })).toBe(5_000);
    // 1,000 rows in 10 ms would ideally be 10,000, but growth is capped at 2x.
    expect(nextBatchSize(1_000, 10, 1_000)).toBe(2_000);
  });

  it("stays within bounds whatever the timing", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.double({ min: 0, max: 60_000, noNaN: true }),
        fc.integer({ min: 0, max: 200_000 }),
        (current, elapsed, rows) => {
          const next = nextBatchSize(current, elapsed, rows);
          expect(next).toBeGreaterThanOrEqual(DEFAULT_BATCH_SIZE_POLICY.minRows);
          expect(next).toBeLessThanOrEqual(DEFAULT_BATCH_SIZE_POLICY.maxRows);
          expect(Number.isInteger(next)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("backfill checkpoint", () => {
  it("sums row hashes so that the batch cut does not change the checksum", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (hashes, cut) => {
          const oneBatch = addToChecksum(EMPTY_CHECKSUM, hashes.reduce((a, b) => a + b, 0n).toString());
          let split = EMPTY_CHECKSUM;
          for (let i = 0; i < hashes.length; i += cut)
            split = addToChecksum(
              split,
              hashes
                .slice(i, i + cut)
                .reduce((a, b) => a + b, 0n)
                .toString(),
            );
          expect(split).toBe(oneBatch);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("moves past the batch's last key and completes on an empty range", () => {
    const start = initialCheckpoint("b", "f", "t", 1000, 0);
    const one = advanceCheckpoint(start, { rows: 1000, upperKey: "1000", hashSum: "5" }, 2000, 10);
    expect(one).toMatchObject({ lastKey: "1000", rowsDone: 1000, batches: 1, batchSize: 2000 });
    expect(one.checksum).toBe("0000000000000005");
    const done = advanceCheckpoint(one, { rows: 0, upperKey: null, hashSum: "0" }, 2000, 20);
    expect(done).toMatchObject({ state: "completed", lastKey: "1000", rowsDone: 1000, finishedAt: 20 });
  });
});

describe("backfill progress", () => {
  it("measures the rate over this session and derives the ETA", () => {
    const cp = {
      ...initialCheckpoint("b", "f", "t", 1000, 0),
      rowsDone: 600_000,
      lastKey: "600000",
    };
    const p = backfillProgress(cp, { startRows: 400_000, startedAt: 1_000, rowsTotal: 1_000_000 }, 3_000);
    expect(p.rowsPerSecond).toBe(100_000);
    expect(p.etaSeconds).toBe(4);
    expect(p.fraction).toBeCloseTo(0.6);
    expect(formatBackfillProgress(p, 10)).toBe(
      "[######....]  60% 600,000/1,000,000 rows 100,000 rows/s ETA 4s",
    );
  });

  it("formats long durations", () => {
    expect(formatDuration(3725)).toBe("1h02m");
    expect(formatDuration(185)).toBe("3m05s");
  });
});

describe("backfill spec and SQL", () => {
  it("changes fingerprint when the expression changes", () => {
    expect(backfillFingerprint(spec)).not.toBe(backfillFingerprint({ ...spec, expression: "price" }));
  });

  it("refuses a template without its key placeholders", () => {
    expect(() =>
      validateBackfillSpec({ kind: "template", name: "x", table: "t", key: "id", sql: "UPDATE t SET a = 1" }),
    ).toThrow(/\$2/);
  });

  it("quotes identifiers and casts the key", () => {
    const sql = backfillSql(spec, "bigint");
    expect(sql.batch).toContain('UPDATE "sales"."orders" SET "total_cents" = (round(price * 100)::bigint)');
    expect(sql.batch).toContain('"id" > $1::bigint');
    expect(sql.firstBatch).not.toContain("$2");
  });

  it("reads the expression's columns with the parser and refuses a second statement", () => {
    expect(expressionColumns("round(o.price * qty)::bigint + coalesce(discount, 0)")).toEqual([
      "discount",
      "price",
      "qty",
    ]);
    expect(() => expressionColumns("1); DROP TABLE orders; SELECT (1")).toThrow(/single SQL expression/);
  });

  it("fires the dual-write trigger on inserts and on updates of the columns read", () => {
    const { create, drop } = dualWriteTriggerSql(spec, ["price"]);
    expect(create.join("\n")).toContain('BEFORE INSERT OR UPDATE OF "price" ON "sales"."orders"');
    expect(create.join("\n")).toContain('INTO NEW."total_cents" FROM (SELECT NEW.*) AS "orders"');
    expect(drop[1]).toBe('DROP FUNCTION IF EXISTS "sales"."upshift_dw_orders_cents"()');
  });
});
