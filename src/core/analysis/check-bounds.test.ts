import { describe, expect, it } from "vitest";
import { checkBounds } from "./check-bounds.js";

describe("bounds of a check", () => {
  it("passes within bounds and fails naming every violated bound", () => {
    const bounds = { messages: { max: 100 }, consumers: { min: 1 } };
    expect(checkBounds('queue "orders"', { messages: 100, consumers: 2 }, bounds)).toMatchObject({
      kind: "passed",
      message: 'queue "orders": messages 100, consumers 2 within bounds',
    });
    expect(checkBounds('queue "orders"', { messages: 101, consumers: 0 }, bounds)).toEqual({
      kind: "failed",
      message: 'queue "orders": messages 101 > max 100, consumers 0 < min 1',
      evidence: { messages: 101, consumers: 0 },
    });
  });

  it("errors when a bounded value was not observed", () => {
    expect(checkBounds("q", { messages: 1 }, { consumers: { min: 1 } }).kind).toBe("error");
  });
});
