import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors/domain-error.js";
import { evaluateCondition } from "./condition-evaluator.js";
import { parseCondition } from "./condition-parser.js";
import type { MetricValue } from "./metric-value.js";

const run = (source: string, result: MetricValue) => evaluateCondition(parseCondition(source), result);
const value = (source: string, result: MetricValue) => {
  const outcome = run(source, result);
  if (outcome.kind === "error") throw new Error(outcome.message);
  return outcome.value;
};

function syntaxColumn(source: string): number {
  try {
    parseCondition(source);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return ((error as InputError).details as { column: number }).column;
  }
  throw new Error(`"${source}" parsed`);
}

describe("conditions over result", () => {
  it("reads the conditions users write for Argo Rollouts", () => {
    expect(value("result[0] >= 0.95", [0.97])).toBe(true);
    expect(value("result[0] >= 0.95", [0.9])).toBe(false);
    expect(value("result.p95 < 250 && result.errors == 0", { p95: 200, errors: 0 })).toBe(true);
    expect(value("result.p95 < 250 && result.errors == 0", { p95: 200, errors: 2 })).toBe(false);
    expect(value("len(result) > 0", [])).toBe(false);
    expect(value("isNaN(result)", Number.NaN)).toBe(true);
    expect(value("isNaN(result)", [Number.NaN])).toBe(true);
    expect(value("isNaN(result) || result < 0.5", 0.2)).toBe(true);
    expect(value("not (result > 1) and result != 0", 0.5)).toBe(true);
    expect(value("result.status in ['ok', 'degraded']", { status: "ok" })).toBe(true);
    expect(value("result.a.b[1] * 2 + 1 == 7 % 4 + 4", { a: { b: [0, 3] } })).toBe(true);
    expect(value("-result[-1] < -1e2", [1, 150])).toBe(true);
    expect(value("max(result) <= 3 && avg(result) == 2 && sum(result) == 6", [1, 2, 3])).toBe(true);
    expect(value("result.missing == nil", {})).toBe(true);
    expect(value('result["p99.9"] < .5', { "p99.9": 0.25 })).toBe(true);
  });

  it("short-circuits, so a guard protects an index", () => {
    expect(value("len(result) > 0 && result[0] > 1", [])).toBe(false);
    expect(value("len(result) == 0 || result[0] > 1", [])).toBe(true);
  });

  it("turns type mismatches into errors that name the column instead of passing", () => {
    const outcome = run("result[0] >= 0.95", []);
    expect(outcome).toEqual({ kind: "error", message: expect.stringContaining("index 0 is out of range") });
    expect(run("result > 1", "x")).toEqual({
      kind: "error",
      message: expect.stringContaining("at column 8"),
    });
    expect(run("result.a", { a: 1 })).toEqual({
      kind: "error",
      message: expect.stringContaining("expected true or false"),
    });
    expect(run("result && true", 1)).toMatchObject({ kind: "error" });
    expect(run("result.x > 1", null)).toMatchObject({ kind: "error" });
  });

  it("reports parse errors with the column of the mistake", () => {
    expect(syntaxColumn("result[0] >= ")).toBe(14);
    expect(syntaxColumn("result[0 >= 1")).toBe(14);
    expect(syntaxColumn("result >= 0.9 ) ")).toBe(15);
    expect(syntaxColumn("result # 1")).toBe(8);
    expect(syntaxColumn("process.exit(1)")).toBe(1);
    expect(syntaxColumn("result > 'open")).toBe(10);
    expect(syntaxColumn("eval('1')")).toBe(1);
    expect(syntaxColumn("")).toBe(1);
    expect(() => parseCondition("result >= 0.9 )")).toThrow(/column 15:\n {2}result >= 0\.9 \)\n {16}\^/);
  });

  it("refuses nesting deep enough to exhaust the stack", () => {
    expect(() => parseCondition(`${"(".repeat(500)}result${")".repeat(500)}`)).toThrow(/nests deeper/);
    expect(() => parseCondition(`${"!".repeat(500)}true`)).toThrow(/nests deeper/);
  });

  it("agrees with JavaScript's arithmetic and comparisons on numbers", () => {
    const number = fc.double({ noNaN: true, min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(number, number, number, (a, b, c) => {
        expect(value("result[0] + result[1] * result[2] < result[1] - result[0]", [a, b, c])).toBe(
          a + b * c < b - a,
        );
        expect(value("(result[0] + result[1]) * result[2] >= result[2]", [a, b, c])).toBe((a + b) * c >= c);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary text: either parses or names a column", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        try {
          const parsed = parseCondition(text);
          expect(["value", "error"]).toContain(evaluateCondition(parsed, [1, 2]).kind);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
