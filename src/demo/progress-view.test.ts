import { describe, expect, it } from "vitest";
import { renderProgress } from "./progress-view.js";

describe("the live view", () => {
  it("shows each service's rollout, its weights and its error rate per version", () => {
    const lines = renderProgress({
      elapsedSeconds: 12.4,
      runPhase: "Running",
      windowSeconds: 5,
      rows: [
        {
          service: "billing",
          status: "running: step 2/8 analysis",
          weights: { "1.0.0": 90, "2.0.0": 10 },
          rates: {
            "1.0.0": { requests: 90, errors: 0, rate: 0 },
            "2.0.0": { requests: 10, errors: 3, rate: 0.3 },
          },
        },
        { service: "catalog", status: "pending", weights: { "1.0.0": 100, "2.0.0": 0 }, rates: {} },
      ],
      checkouts: { total: 400, failed: 3, lastWindowFailed: 3 },
    });
    expect(lines[0]).toBe("Upshift demo · 12 s · run Running");
    expect(lines[2]).toContain("1.0.0 90% · 2.0.0 10%");
    expect(lines[2]).toContain("2.0.0 30.0% of 10");
    expect(lines[3]).toContain("1.0.0 100%");
    expect(lines[3]).not.toContain("2.0.0 0%");
    expect(lines[3]?.trimEnd().endsWith("-")).toBe(true);
    expect(lines[4]).toBe("checkouts: 400 sent, 3 failed (0.75%), 3 failed in the last 5 s");
  });
});
