import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const workspace = ["fleet", "environments", "governance", "release"]
  .map((f) => read(`examples/workspace/${f}.yaml`))
  .join("\n---\n");

describe.each(STORE_TARGETS)(
  "server plans with migration sets (UPSHIFT_MIGRATIONS_ROOT) on $name",
  (target) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: FastifyInstance;
    let headers: Record<string, string>;
    let root: string;
    const now = new Date("2026-11-27T10:00:00Z");

    beforeEach(async () => {
      root = mkdtempSync(join(tmpdir(), "upshift-root-"));
      mkdirSync(join(root, "migrations/orders"), { recursive: true });
      process.env.UPSHIFT_MIGRATIONS_ROOT = root;
      ({ store, cleanup } = await target.open());
      app = await buildApp({ store, now: () => now });
      headers = {
        authorization: `Bearer ${(await store.tokens.create("ops", "admin", now)).token}`,
        "content-type": "application/json",
      };
      const applied = await app.inject({
        method: "POST",
        url: "/v1/documents",
        headers: { ...headers, "content-type": "application/yaml" },
        payload: workspace,
      });
      expect(applied.statusCode).toBe(200);
    });
    afterEach(async () => {
      delete process.env.UPSHIFT_MIGRATIONS_ROOT;
      await app.close();
      await cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    const post = (url: string, body: unknown) =>
      app.inject({ method: "POST", url, headers, payload: JSON.stringify(body) });

    it("fails the plan on a breaking expand statement read from the root, and plans runs once it is fixed", async () => {
      const file = join(root, "migrations/orders/V7__add_status.sql");
      writeFileSync(
        file,
        "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;\nALTER TABLE orders DROP COLUMN IF EXISTS state;\n",
      );
      const blocked = (await post("/v1/plans", { release: "r2027-01", environment: "staging" })).json();
      expect(blocked.plan.feasible).toBe(false);
      expect(blocked.plan.migrationProblems).toEqual([
        expect.objectContaining({
          service: "orders",
          migration: "V7__add_status",
          ruleId: "drop-column",
          file: "migrations/orders/V7__add_status.sql",
          line: 3,
          column: 1,
        }),
      ]);
      const refused = await post("/v1/runs", { release: "r2027-01", environment: "staging" });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().detail).toContain("migrations/orders/V7__add_status.sql:3:1 drop-column");

      writeFileSync(
        file,
        "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;\n",
      );
      const ok = (await post("/v1/plans", { release: "r2027-01", environment: "staging" })).json();
      expect(ok.plan.feasible).toBe(true);
      expect(ok.plan).not.toHaveProperty("migrationProblems");
      const run = await post("/v1/runs", { release: "r2027-01", environment: "staging" });
      expect(run.statusCode).toBe(201);
      expect(run.json().steps).toContainEqual(
        expect.objectContaining({ kind: "migrate-expand", service: "orders" }),
      );
    });

    it("names a directory that is not under the root", async () => {
      rmSync(join(root, "migrations"), { recursive: true });
      const res = (await post("/v1/plans", { release: "r2027-01", environment: "staging" })).json();
      expect(res.plan.feasible).toBe(false);
      expect(res.plan.migrationProblems[0]).toMatchObject({ ruleId: "migration-set-invalid" });
      expect(res.plan.migrationProblems[0].message).toContain(
        `cannot read the migration directory ${join(root, "migrations/orders")}`,
      );
    });
  },
);
