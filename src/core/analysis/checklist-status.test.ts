import { describe, expect, it } from "vitest";
import { type ChecklistTick, checklistStatus } from "./checklist-status.js";

const tick = (item: string, result: "pass" | "fail", note: string | null = null): ChecklistTick => ({
  item,
  result,
  note,
  by: "ana",
  at: "2026-11-27T10:00:00.000Z",
});

describe("manual checklist status", () => {
  const items = ["log in", "place an order"];
  it("waits for every item, naming those not ticked", () => {
    expect(checklistStatus(items, [])).toMatchObject({ kind: "waiting", pending: items });
    expect(checklistStatus(items, [tick("log in", "pass")])).toMatchObject({
      kind: "waiting",
      pending: ["place an order"],
    });
  });
  it("fails on one failed item, even before the others are ticked", () => {
    const s = checklistStatus(items, [tick("place an order", "fail", "500 on checkout")]);
    expect(s.kind).toBe("failed");
  });
  it("passes when all pass; a later tick replaces an earlier one; ticks of unknown items are ignored", () => {
    expect(checklistStatus(items, [tick("log in", "pass"), tick("place an order", "pass")]).kind).toBe(
      "passed",
    );
    const corrected = [
      tick("log in", "fail", "typo"),
      tick("log in", "pass"),
      tick("place an order", "pass"),
      tick("other", "fail"),
    ];
    expect(checklistStatus(items, corrected).kind).toBe("passed");
  });
});
