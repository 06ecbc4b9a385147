import { describe, expect, it } from "vitest";
import { readCheckoutAnswer } from "./checkout-transaction.js";

describe("reading a checkout answer", () => {
  it("takes every hop's version from a successful answer", () => {
    const body = {
      service: "storefront",
      version: "2.0.0",
      checkout: "done",
      stock: { service: "catalog", version: "1.0.0" },
      order: { service: "checkout", version: "2.0.0", payment: { service: "billing", version: "1.0.0" } },
    };
    expect(readCheckoutAnswer(200, JSON.stringify(body))).toEqual({
      ok: true,
      status: 200,
      versions: { storefront: "2.0.0", catalog: "1.0.0", checkout: "2.0.0", billing: "1.0.0" },
    });
  });

  it("names the service and version that failed first", () => {
    const body = { error: "/orders answered 502", failedAt: { service: "billing", version: "2.0.0" } };
    const r = readCheckoutAnswer(502, JSON.stringify(body));
    expect(r.ok).toBe(false);
    expect(r.failedAt).toEqual({ service: "billing", version: "2.0.0" });
  });

  it("blames the storefront's router when no service answered, and never counts a 200 without checkout as success", () => {
    expect(readCheckoutAnswer(503, "no version has weight").failedAt).toEqual({
      service: "storefront",
      version: "none (HTTP 503)",
    });
    expect(readCheckoutAnswer(0, "TimeoutError").failedAt?.version).toBe("none (no answer: TimeoutError)");
    expect(readCheckoutAnswer(200, JSON.stringify({ service: "storefront", version: "1.0.0" })).ok).toBe(
      false,
    );
  });
});
