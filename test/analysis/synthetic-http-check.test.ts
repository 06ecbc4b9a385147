import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticHttpCheck } from "../../src/adapters/checks/synthetic-http-check.js";
import { syntheticTransaction } from "../../src/core/analysis/synthetic-transaction.js";
import { json, type LocalServer, serve } from "./local-services.js";

describe("synthetic HTTP transaction against a local shop", () => {
  let shop: LocalServer;
  let payments = 0;
  let payStatus = 200;

  beforeAll(async () => {
    shop = await serve((req, res, body) => {
      const url = new URL(req.url ?? "/", "http://shop");
      if (req.method === "POST" && url.pathname === "/login") {
        const { user } = JSON.parse(body) as { user: string };
        return json(res, 200, { token: `token-of-${user}`, expiresIn: 300, cart: { id: 42 } });
      }
      const pay = /^\/carts\/(\d+)\/pay$/.exec(url.pathname);
      if (req.method === "POST" && pay !== null) {
        if (req.headers.authorization !== "Bearer token-of-demo")
          return json(res, 401, { error: "who are you?" });
        const { cart, amount } = JSON.parse(body) as { cart: number; amount: number };
        payments++;
        return json(res, payStatus, { paid: payStatus === 200, cart, amount, path: pay[1] });
      }
      if (url.pathname === "/slow") {
        setTimeout(() => json(res, 200, {}), 2_000);
        return;
      }
      json(res, 404, {});
    });
  });

  afterAll(() => shop.close());

  const checkout = syntheticTransaction("checkout", [
    {
      name: "login",
      method: "POST",
      url: "/login",
      body: { user: "demo" },
      assertions: [{ path: "$.expiresIn", condition: "result >= 60" }],
      capture: { token: "$.token", cart: "$.cart.id" },
    },
    {
      name: "pay",
      method: "POST",
      url: "/carts/{{captures.cart}}/pay",
      headers: { authorization: "Bearer {{captures.token}}" },
      body: { cart: "{{captures.cart}}", amount: 12.5 },
      assertions: [
        { path: "$.paid", condition: "result == true" },
        { path: "$.cart", condition: "result == 42" },
        { path: "$.path", condition: "result == '42'" },
      ],
    },
  ]);

  it("passes when every step answers as expected, carrying captured values into later steps", async () => {
    const outcome = await syntheticHttpCheck(checkout, { baseUrl: shop.url }).run();
    expect(outcome).toMatchObject({
      kind: "passed",
      message: "checkout: 2 steps passed",
      evidence: {
        steps: [
          { step: "login", status: 200 },
          { step: "pay", status: 200 },
        ],
        captures: ["token", "cart"],
      },
    });
    expect(payments).toBe(1);
  });

  it("fails naming the step when the payment breaks", async () => {
    payStatus = 502;
    try {
      const outcome = await syntheticHttpCheck(checkout, { baseUrl: shop.url }).run();
      expect(outcome).toMatchObject({
        kind: "failed",
        message: 'checkout: step "pay" (POST /carts/{{captures.cart}}/pay): status 502, expected 200',
      });
    } finally {
      payStatus = 200;
    }
  });

  it("fails a step that does not answer within its timeout", async () => {
    const slow = syntheticTransaction("slow", [{ name: "wait", url: "/slow", timeoutMs: 200 }]);
    const started = Date.now();
    const outcome = await syntheticHttpCheck(slow, { baseUrl: shop.url }).run();
    expect(outcome).toMatchObject({ kind: "failed", message: 'slow: step "wait": no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
