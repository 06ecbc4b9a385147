import { describe, expect, it } from "vitest";
import { judgeSampleFiles } from "./offline-judge.js";

const file = (name: string, value: unknown) => ({ name, text: JSON.stringify(value) });
const spread = (centre: number) => Array.from({ length: 30 }, (_, i) => centre + ((i * 7) % 11));

describe("judgeSampleFiles", () => {
  it("judges plain arrays as one metric and reports u, p, estimate, interval and verdict", () => {
    const report = judgeSampleFiles(file("base.json", spread(100)), file("canary.json", spread(100)));
    expect(report).toMatchObject({ score: 100, verdict: "Pass", confidence: 0.98, direction: "either" });
    expect(report.metrics).toHaveLength(1);
    expect(report.metrics[0]).toMatchObject({
      name: "value",
      classification: "Pass",
      u: 450,
      pValue: 1,
      estimate: 0,
      baselineSize: 30,
      canarySize: 30,
    });
  });

  it("judges every metric of an object file, with the direction and confidence given", () => {
    const baseline = file("b.json", { latency: spread(100), errors: spread(5) });
    const canary = file("c.json", { latency: spread(150), errors: spread(0) });
    const both = judgeSampleFiles(baseline, canary, { confidence: "0.9" });
    expect(both.metrics.map((m) => [m.name, m.classification])).toEqual([
      ["latency", "High"],
      ["errors", "Low"],
    ]);
    expect(both).toMatchObject({ score: 0, verdict: "Fail", confidence: 0.9 });
    const increaseOnly = judgeSampleFiles(baseline, canary, { direction: "increase" });
    expect(increaseOnly.metrics.map((m) => m.classification)).toEqual(["High", "Pass"]);
    expect(increaseOnly.score).toBe(50);
  });

  it("reports Nodata with null statistics for a metric whose samples are all missing", () => {
    const report = judgeSampleFiles(
      file("b.json", { a: spread(1), b: [null] }),
      file("c.json", { a: spread(1), b: [1, 2] }),
    );
    expect(report.metrics[1]).toMatchObject({
      classification: "Nodata",
      u: null,
      pValue: null,
      estimate: null,
      ci: null,
    });
  });

  it("names the file, metric and element of every bad value", () => {
    const bad = { name: "b.json", text: '{"latency":[1,"x",true],"errors":3}' };
    expect(() => judgeSampleFiles(bad, file("c.json", { latency: [1] }))).toThrow(
      'b.json: metric "latency", element 1: expected a number or null, got the string "x"; b.json: metric "latency", element 2: expected a number or null, got the boolean true; b.json: metric "errors" is number 3, expected an array of numbers.',
    );
  });

  it("explains invalid JSON, wrong shapes, mismatched metrics and bad options", () => {
    expect(() => judgeSampleFiles({ name: "b.json", text: "[1," }, file("c.json", [1]))).toThrow(
      /^b\.json: not valid JSON/,
    );
    expect(() => judgeSampleFiles(file("b.json", "text"), file("c.json", [1]))).toThrow(
      'b.json: got the string "text"; expected a JSON array',
    );
    expect(() => judgeSampleFiles(file("b.json", [1]), file("c.json", { a: [1] }))).toThrow(
      "b.json holds a plain array but c.json holds an object of metrics; both must have the same shape.",
    );
    expect(() =>
      judgeSampleFiles(file("b.json", { a: [1], b: [2] }), file("c.json", { a: [1], c: [2] })),
    ).toThrow('metric "b" is in b.json but not in c.json; metric "c" is in c.json but not in b.json');
    expect(() => judgeSampleFiles(file("b.json", [1]), file("c.json", [1]), { confidence: "98" })).toThrow(
      '--confidence must be a number between 0 and 1 (exclusive), such as 0.98; got "98".',
    );
    expect(() => judgeSampleFiles(file("b.json", [1]), file("c.json", [1]), { direction: "up" })).toThrow(
      '--direction must be increase, decrease or either; got "up".',
    );
  });
});
