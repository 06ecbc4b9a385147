import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { registerAnalysis } from "../../src/cli/commands/analysis.js";
import { CliError, EXIT, exitCodeFor } from "../../src/cli/exit-codes.js";
import { judgeSampleFiles } from "../../src/core/analysis/offline-judge.js";
import { DomainError } from "../../src/core/errors/domain-error.js";

const dir = mkdtempSync(join(tmpdir(), "upshift-judge-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

/** Runs `upshift analysis judge ...` in-process; returns stdout and the exit code main.ts would use. */
async function judge(args: readonly string[]): Promise<{ stdout: string; code: number }> {
  const program = new Command("upshift").exitOverride();
  registerAnalysis(program);
  let stdout = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["analysis", "judge", ...args], { from: "user" });
    return { stdout, code: EXIT.ok };
  } catch (error) {
    if (error instanceof CliError) return { stdout, code: error.exitCode };
    if (error instanceof DomainError)
      return { stdout: `${stdout}${error.message}`, code: exitCodeFor(error.kind) };
    throw error;
  }
}

const baseline = {
  latency_ms: [112, 98, 105, 120, 101, 99, 130, 108, 97, 115, 103, 110],
  errors: [0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 1],
};
const canary = {
  latency_ms: [141, 128, 150, 133, 126, 139, 160, 131, 137, 129, 145, 136],
  errors: [0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 0, 0],
};

describe("upshift analysis judge", () => {
  it("prints the documented JSON report (docs/analysis.md section 7)", async () => {
    const { stdout, code } = await judge([
      "--baseline",
      file("b.json", baseline),
      "--canary",
      file("c.json", canary),
      "--direction",
      "increase",
      "--output",
      "json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ score: 50, verdict: "Fail", confidence: 0.98, direction: "increase" });
    expect(report.metrics[0]).toMatchObject({
      name: "latency_ms",
      classification: "High",
      u: 141,
      estimate: 30,
      ci: [20, 40],
    });
    expect(report.metrics[0].pValue).toBeCloseTo(0.0000765828946749242, 15);
    expect(report.metrics[1]).toMatchObject({ name: "errors", classification: "Pass", u: 66.5, ci: [-1, 0] });
  });

  it("prints a readable table with each metric's reason by default", async () => {
    const { stdout } = await judge([
      "--baseline",
      file("b1.json", [1, 2, 3, 4, 5]),
      "--canary",
      file("c1.json", [1, 2, 3, 4, 5]),
      "--confidence",
      "0.9",
    ]);
    expect(stdout).toMatch(/^Pass score 100 \(direction either\)/);
    expect(stdout).toMatch(/value\s+Pass\s+0\s+\[/);
    expect(stdout).toContain("CI 90%");
  });

  it("exits 1 naming every problem of invalid input", async () => {
    const bad = await judge([
      "--baseline",
      file("b2.json", [1, "x", 3]),
      "--canary",
      file("c2.json", [1, 2]),
      "--output",
      "json",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('element 1: expected a number or null, got the string "x"');
    const confidence = await judge([
      "--baseline",
      file("b3.json", [1]),
      "--canary",
      file("c3.json", [2]),
      "--confidence",
      "98",
    ]);
    expect(confidence).toMatchObject({
      code: 1,
      stdout: expect.stringContaining("--confidence must be a number between 0 and 1"),
    });
    const missing = await judge(["--baseline", join(dir, "nope.json"), "--canary", file("c4.json", [2])]);
    expect(missing.code).toBe(1);
    const shape = await judge(["--baseline", file("b5.json", [1]), "--canary", file("c5.json", { a: [1] })]);
    expect(shape).toMatchObject({ code: 1, stdout: expect.stringContaining("same shape") });
  });

  it("judges large exports on several threads with the same report as one thread", async () => {
    // 3 metrics x 2 x 60,000 samples: past the 100,000 samples below which the judge stays inline.
    const side = (shift: number) =>
      Object.fromEntries(
        ["p50", "p95", "errors"].map((name, k) => [
          name,
          Array.from({ length: 60_000 }, (_, i) => ((i * 7919) % 1009) + (k === 1 ? shift : 0)),
        ]),
      );
    const [b, c] = [
      { name: "big-b.json", text: JSON.stringify(side(0)) },
      { name: "big-c.json", text: JSON.stringify(side(25)) },
    ];
    const expected = judgeSampleFiles(b, c, { direction: "increase" });
    const { stdout, code } = await judge([
      ...["--baseline", file(b.name, b.text), "--canary", file(c.name, c.text)],
      ...["--direction", "increase", "--output", "json"],
    ]);
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(expected.metrics.map((m) => m.classification)).toEqual(["Pass", "High", "Pass"]);
  }, 60_000);
});
