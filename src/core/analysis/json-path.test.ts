import { describe, expect, it } from "vitest";
import { InputError } from "../errors/domain-error.js";
import { parseJsonPath, queryJsonPath, selectJsonPath } from "./json-path.js";
import type { MetricValue } from "./metric-value.js";

const store: MetricValue = {
  data: { ratio: 0.97, "p99.9": 310, series: [{ v: 1 }, { v: 2 }, { v: 3 }] },
  items: [
    { id: "a", price: 8 },
    { id: "b", price: 12, extra: { price: 99 } },
  ],
};
const pick = (path: string) => selectJsonPath(parseJsonPath(path), store);

describe("JSONPath subset", () => {
  it("selects a single value by member names and indexes", () => {
    expect(pick("$.data.ratio")).toBe(0.97);
    expect(pick("$['data']['p99.9']")).toBe(310);
    expect(pick("$.items[1].id")).toBe("b");
    expect(pick("$.items[-1].price")).toBe(12);
    expect(pick("{.data.ratio}")).toBe(0.97);
    expect(pick("$")).toEqual(store);
  });

  it("returns undefined for a singular path that matches nothing", () => {
    expect(pick("$.data.missing")).toBeUndefined();
    expect(pick("$.items[5]")).toBeUndefined();
    expect(pick("$.data.ratio.deeper")).toBeUndefined();
  });

  it("returns every match of wildcards, slices, unions and descendants as an array", () => {
    expect(pick("$.data.series[*].v")).toEqual([1, 2, 3]);
    expect(pick("$.data.series[1:].v")).toEqual([2, 3]);
    expect(pick("$.data.series[:-1].v")).toEqual([1, 2]);
    expect(pick("$.data.series[0,2].v")).toEqual([1, 3]);
    expect(pick("$.items.*.id")).toEqual(["a", "b"]);
    expect(pick("$..price")).toEqual([8, 12, 99]);
    expect(pick("$..[0].v")).toEqual([1]);
    expect(pick("$.data.nothing[*]")).toEqual([]);
    expect(queryJsonPath(parseJsonPath("$.data.ratio"), store)).toEqual([0.97]);
  });

  it("names the column of a syntax error", () => {
    const column = (path: string) => {
      try {
        parseJsonPath(path);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return ((error as InputError).details as { column: number }).column;
      }
      return undefined;
    };
    expect(column("data.ratio")).toBe(1);
    expect(column("$.data[")).toBe(7);
    expect(column("$.data[abc]")).toBe(8);
    expect(column("$.data[?(@.v > 1)]")).toBe(8);
    expect(column("$.data.")).toBe(8);
    expect(column("$.data.ratio")).toBeUndefined();
  });
});
