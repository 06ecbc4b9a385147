import { describe, expect, it } from "vitest";
import { probeVerdict } from "./health-probe.js";
import { probeFromService } from "./probe-from-service.js";

describe("health probes", () => {
  it("counts consecutive failures up to the threshold; one success is enough", () => {
    expect(probeVerdict([false, false], 3)).toBe("starting");
    expect(probeVerdict([false, false, false], 3)).toBe("unhealthy");
    expect(probeVerdict([false, false, true], 3)).toBe("healthy");
  });

  it("reads a Service readiness probe with durations", () => {
    expect(
      probeFromService({
        http: { path: "/healthz" },
        initialDelay: "1s",
        period: "500ms",
        failureThreshold: 4,
      }),
    ).toEqual({
      check: { kind: "http", path: "/healthz" },
      initialDelayMs: 1000,
      periodMs: 500,
      timeoutMs: 1000,
      failureThreshold: 4,
    });
    expect(probeFromService({ command: ["./ready.sh"] }).check).toEqual({
      kind: "command",
      command: ["./ready.sh"],
    });
  });
});
