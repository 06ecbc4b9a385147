import { describe, expect, it } from "vitest";
import { judgeSyntheticStep } from "./synthetic-step-judgement.js";
import { fillBodyCaptures, fillCaptures, syntheticTransaction } from "./synthetic-transaction.js";

describe("synthetic transactions", () => {
  const scenario = syntheticTransaction("checkout", [
    {
      name: "login",
      method: "post",
      url: "/login",
      body: { user: "demo" },
      capture: { token: "$.token", cart: "$.cart.id" },
      assertions: [{ path: "$.token" }, { path: "$.expiresIn", condition: "result >= 60" }],
    },
    { name: "pay", method: "POST", url: "/carts/{{captures.cart}}/pay", expectStatus: [200, 201] },
  ]);
  const login = scenario.steps[0]!;

  it("passes a response with the expected status and assertions, capturing values", () => {
    expect(judgeSyntheticStep(login, 200, '{"token":"t-1","expiresIn":300,"cart":{"id":42}}')).toEqual({
      kind: "passed",
      captures: { token: "t-1", cart: 42 },
    });
  });

  it("fails naming the step and the rule that did not hold", () => {
    expect(judgeSyntheticStep(login, 500, "")).toMatchObject({
      message: 'step "login" (POST /login): status 500, expected 200',
    });
    expect(judgeSyntheticStep(login, 200, '{"token":"t","expiresIn":5,"cart":{"id":1}}')).toMatchObject({
      kind: "failed",
      message: expect.stringContaining('$.expiresIn is the number 5, so "result >= 60" is false'),
    });
    expect(judgeSyntheticStep(login, 200, '{"expiresIn":300}')).toMatchObject({
      message: expect.stringContaining("$.token is not in the response"),
    });
    expect(judgeSyntheticStep(login, 200, "<html>")).toMatchObject({
      message: expect.stringContaining("not JSON"),
    });
  });

  it("fills captures into URLs, headers and typed JSON bodies", () => {
    const captures = { cart: 42, token: "a b" };
    expect(
      fillCaptures("/carts/{{captures.cart}}/pay?t={{ captures.token }}", captures, encodeURIComponent),
    ).toBe("/carts/42/pay?t=a%20b");
    expect(
      fillBodyCaptures(
        { cart: "{{captures.cart}}", note: "cart {{captures.cart}}", list: ["{{captures.token}}"] },
        captures,
      ),
    ).toEqual({
      cart: 42,
      note: "cart 42",
      list: ["a b"],
    });
  });

  it("refuses a capture used before it is captured, and every other mistake at once", () => {
    expect(() =>
      syntheticTransaction("bad", [
        {
          url: "/a/{{captures.id}}",
          method: "FETCH",
          expectStatus: 999,
          assertions: [{ path: "$.x", condition: "result >" }],
        },
      ]),
    ).toThrow(/unknown method "FETCH".*uses \{\{captures.id\}\} before.*expectStatus.*assertion 1/s);
  });
});
