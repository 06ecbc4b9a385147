import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const workspace = ["fleet", "environments", "governance", "release"]
  .map((f) => readFileSync(new URL(`../../examples/workspace/${f}.yaml`, import.meta.url), "utf8"))
  .join("\n---\n");

describe.each(STORE_TARGETS)("HTTP API on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let admin: string;
  let viewer: string;
  const now = new Date("2026-11-27T10:00:00Z");

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    app = await buildApp({ store, now: () => now });
    admin = (await store.tokens.create("admin", "admin", now)).token;
    viewer = (await store.tokens.create("viewer", "viewer", now)).token;
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it("answers health, readiness, metrics and the OpenAPI document without a token", async () => {
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ url: "/readyz" })).json()).toMatchObject({
      status: "ready",
      database: target.name,
    });
    const spec = (await app.inject({ url: "/openapi.json" })).json();
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.components.schemas.Service.properties.spec).toBeDefined();
    const metrics = await app.inject({ url: "/metrics" });
    expect(metrics.body).toContain("upshift_http_requests_total");
    expect((await app.inject({ url: "/docs" })).statusCode).toBeLessThan(400);
  });

  it("answers 401 on every /v1 route of the OpenAPI document without a token, and each route exists", async () => {
    const spec = (await app.inject({ url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    let checked = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      expect(path.startsWith("/v1/")).toBe(true);
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{[^}]+\}/g, "x");
        expect(
          app.hasRoute({ method: method.toUpperCase() as "GET", url: path.replace(/\{([^}]+)\}/g, ":$1") }),
        ).toBe(true);
        const res = await app.inject({
          method: method.toUpperCase() as "GET",
          url,
          payload: method === "post" ? "{}" : undefined,
        });
        expect(res.statusCode, `${method} ${path}`).toBe(401);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        const bad = await app.inject({
          method: method.toUpperCase() as "GET",
          url,
          headers: auth("upshift_nope"),
        });
        expect(bad.statusCode).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it("round-trips documents: apply YAML, list, get, history; identical apply is a no-op", async () => {
    const applied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: workspace,
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().applied).toHaveLength(10);
    expect(applied.json().applied.every((a: { action: string }) => a.action === "created")).toBe(true);
    const again = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: workspace,
    });
    expect(again.json().applied.every((a: { action: string }) => a.action === "unchanged")).toBe(true);
    const list = (await app.inject({ url: "/v1/documents/services", headers: auth(viewer) })).json();
    expect(
      list.items.map((i: { document: { metadata: { name: string } } }) => i.document.metadata.name),
    ).toEqual(["inventory", "orders", "payments", "web"]);
    const one = (await app.inject({ url: "/v1/documents/Service/orders", headers: auth(viewer) })).json();
    expect(one).toMatchObject({ generation: 1, document: { spec: { version: "2.3.0" } } });
    expect(one.hash).toMatch(/^sha256:/);
    const json = JSON.stringify({
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Service",
      metadata: { name: "orders" },
      spec: { ...one.document.spec, version: "2.3.1" },
    });
    const updated = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(admin), "content-type": "application/json" },
      payload: json,
    });
    expect(updated.json().applied[0]).toMatchObject({ action: "configured", generation: 2 });
    const history = (
      await app.inject({ url: "/v1/documents/service/orders/history", headers: auth(viewer) })
    ).json();
    expect(history.items).toHaveLength(2);
  });

  it("refuses invalid documents as problem+json listing every error, and applies nothing", async () => {
    const payload =
      "apiVersion: upshift.dev/v1alpha1\nkind: Service\nmetadata: {name: a}\nspec: {version: 1.0.0, tier: 9}\n---\nkind: Nope\n";
    const res = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const body = res.json();
    expect(body.code).toBe("documents.invalid");
    expect(body.errors.map((e: { code: string; line: number }) => `${e.line} ${e.code}`).sort()).toEqual(
      ["4 schema.invalid-value", "6 schema.required", "6 document.unknown-kind"].sort(),
    );
    expect((await app.inject({ url: "/v1/documents/service", headers: auth(viewer) })).json().items).toEqual(
      [],
    );
  });

  it("lets a viewer read but not write, and refuses deleting a referenced document", async () => {
    const denied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(viewer), "content-type": "application/yaml" },
      payload: workspace,
    });
    expect(denied.statusCode).toBe(403);
    await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: workspace,
    });
    const referenced = await app.inject({
      method: "DELETE",
      url: "/v1/documents/service/payments",
      headers: auth(admin),
    });
    expect(referenced.statusCode).toBe(409);
    expect(referenced.json().detail).toContain('Release "r2027-01"');
    expect(
      (await app.inject({ method: "DELETE", url: "/v1/documents/resource/dba-team", headers: auth(admin) }))
        .statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ url: "/v1/documents/resource/dba-team", headers: auth(admin) })).statusCode,
    ).toBe(404);
    expect((await app.inject({ url: "/v1/documents/gizmo", headers: auth(admin) })).json().code).toBe(
      "documents.unknown-kind",
    );
  });
});
