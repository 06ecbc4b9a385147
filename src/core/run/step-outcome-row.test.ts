import { describe, expect, it } from "vitest";
import { stepRowForOutcome } from "./step-outcome-row.js";

const retry = { maxAttempts: 3, backoffMs: (attempt: number) => 1000 * attempt };

describe("stepRowForOutcome", () => {
  it("retries a retryable failure after its backoff while attempts remain, then fails for good", () => {
    const again = stepRowForOutcome(
      { kind: "failed", message: "timeout", retryable: true },
      2,
      10_000,
      retry,
    );
    expect(again).toMatchObject({
      type: "step.retrying",
      state: "ready",
      readyAt: 12_000,
      dueAt: 12_000,
      finishedAt: null,
    });
    expect(again.message).toBe("attempt 2 failed, retrying: timeout");
    const last = stepRowForOutcome({ kind: "failed", message: "timeout", retryable: true }, 3, 10_000, retry);
    expect(last).toMatchObject({ type: "step.failed", state: "failed", dueAt: null, finishedAt: 10_000 });
    expect(stepRowForOutcome({ kind: "failed", message: "bad input" }, 1, 10_000, retry).state).toBe(
      "failed",
    );
  });

  it("waits until a timer (due then) or for a signal (never due on its own)", () => {
    const timer = stepRowForOutcome(
      { kind: "waiting", until: new Date(50_000), message: "pause" },
      1,
      10_000,
      retry,
    );
    expect(timer).toMatchObject({ state: "waiting", wakeAt: 50_000, dueAt: 50_000 });
    expect(stepRowForOutcome({ kind: "waiting", message: "approval" }, 1, 10_000, retry)).toMatchObject({
      wakeAt: null,
      dueAt: null,
    });
  });

  it("keeps a success's output as JSON and clears its due time", () => {
    const done = stepRowForOutcome({ kind: "succeeded", output: { done: ["a"] } }, 1, 10_000, retry);
    expect(done).toMatchObject({
      type: "step.succeeded",
      state: "succeeded",
      output: '{"done":["a"]}',
      dueAt: null,
      finishedAt: 10_000,
    });
  });
});
