import { describe, expect, it } from "vitest";
import { chunkRange, compareChunks, formatReconciliation } from "./reconciliation.js";

const bounds = ["100", "200", "300"];

describe("compareChunks", () => {
  it("matches equal sides", () => {
    const side = [
      { chunk: 0, rows: 99, hash: "a" },
      { chunk: 1, rows: 100, hash: "b" },
    ];
    expect(compareChunks(bounds, side, side)).toEqual({ kind: "match", rows: 199, chunks: 2 });
  });

  it("locates a changed range and a range missing on one side", () => {
    const expected = [
      { chunk: 0, rows: 99, hash: "a" },
      { chunk: 1, rows: 100, hash: "b" },
      { chunk: 3, rows: 5, hash: "d" },
    ];
    const actual = [
      { chunk: 0, rows: 99, hash: "a" },
      { chunk: 1, rows: 100, hash: "X" },
    ];
    const result = compareChunks(bounds, expected, actual);
    expect(result.kind).toBe("mismatch");
    if (result.kind !== "mismatch") return;
    expect(result.mismatches).toEqual([
      { chunk: 1, fromKey: "100", toKey: "200", expectedRows: 100, actualRows: 100, reason: "content" },
      { chunk: 3, fromKey: "300", toKey: null, expectedRows: 5, actualRows: 0, reason: "row-count" },
    ]);
    expect(formatReconciliation(result)[1]).toBe("  range 100 .. 200: 100 rows with different content");
  });

  it("gives the first chunk no lower bound", () => {
    expect(chunkRange(bounds, 0)).toEqual({ fromKey: null, toKey: "100" });
  });
});
