import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const fleet = readFileSync(new URL("../../test/fixtures/change-fleet.yaml", import.meta.url), "utf8");
const WINDOW = { start: "2027-06-10T22:00:00.000Z", end: "2027-06-11T02:00:00.000Z" };

/** The fixture's api Service, now with its migration directory. */
const apiWithMigrations = `apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: { name: api, labels: { team: core } }
spec:
  owner: core
  tier: 1
  version: 1.0.0
  provides: [{ api: core-api, version: 1.0.0 }]
  migrations: { path: migrations/api }
`;

/** The fixture's r1, declaring coverage gaps. */
const releaseWithGaps = (service: string) => `apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: { name: r1 }
spec:
  environments: [staging, prod]
  changes:
    - service: api
      version: 1.1.0
      provides: [{ api: core-api, version: 1.1.0 }]
      migrations: [{ name: V2__add_index, phase: expand }, { name: V3__drop_old, phase: contract }]
  coverageGaps:
    - { service: ${service}, description: no contract test for the v1.1 pagination }
    - { service: api, description: load test skipped for the new index }
`;

describe.each(STORE_TARGETS)(
  "change risk from the migration linter and declared coverage gaps on $name",
  (target) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: FastifyInstance;
    let root: string;
    let token: string;

    beforeEach(async () => {
      root = mkdtempSync(join(tmpdir(), "upshift-risk-"));
      ({ store, cleanup } = await target.open());
      app = await buildApp({ store, now: () => new Date("2027-06-01T10:00:00Z") });
      token = (await store.tokens.create("ann", "admin", new Date("2027-06-01T10:00:00Z"))).token;
      expect((await apply(fleet)).statusCode).toBe(200);
    });
    afterEach(async () => {
      delete process.env.UPSHIFT_MIGRATIONS_ROOT;
      await app.close();
      await cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    const apply = (yaml: string) =>
      app.inject({
        method: "POST",
        url: "/v1/documents",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/yaml" },
        payload: yaml,
      });
    const post = (url: string, body: unknown) =>
      app.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
    const factor = async (number: string, name: string) =>
      (
        await app.inject({
          method: "GET",
          url: `/v1/changes/${number}/risk`,
          headers: { authorization: `Bearer ${token}` },
        })
      )
        .json()
        .factors.find((f: { name: string }) => f.name === name);

    it("names the linter rule and the migration file of each destructive or locking migration", async () => {
      const dir = join(root, "migrations/api");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "V1__init.sql"),
        "-- upshift: phase=expand\nCREATE TABLE IF NOT EXISTS items (id bigint PRIMARY KEY, old_state text);\n",
      );
      writeFileSync(
        join(dir, "V2__add_index.sql"),
        "-- upshift: phase=expand\n-- the table is small\nCREATE INDEX IF NOT EXISTS items_state ON items (old_state);\n",
      );
      writeFileSync(
        join(dir, "V3__drop_old.sql"),
        "-- upshift: phase=contract\nALTER TABLE items DROP COLUMN IF EXISTS old_state;\n",
      );
      process.env.UPSHIFT_MIGRATIONS_ROOT = root;
      expect((await apply(apiWithMigrations)).statusCode).toBe(200);
      const created = await post("/v1/changes", { release: "r1", environment: "prod", ...WINDOW });
      expect(created.statusCode, created.body).toBe(201);
      const number = created.json().number as string;
      const migrations = await factor(number, "migrations");
      // 6 for the locking index build, 15 for the dropped column (the default weights).
      expect(migrations.points).toBe(21);
      expect(migrations.fact).toMatch(
        /^api\/V2__add_index locking: create-index-non-concurrently at migrations\/api\/V2__add_index\.sql:3 \(.+\); api\/V3__drop_old destructive: drop-column at migrations\/api\/V3__drop_old\.sql:2 \(.+\)$/,
      );
      // The hazards were recorded with the plan: a reassessment without the files keeps them.
      delete process.env.UPSHIFT_MIGRATIONS_ROOT;
      const reassessed = await post(`/v1/changes/${number}/transitions/assess`, {});
      expect(reassessed.statusCode, reassessed.body).toBe(200);
      expect((await factor(number, "migrations")).fact).toContain(
        "drop-column at migrations/api/V3__drop_old.sql:2",
      );
      const table = (
        await app.inject({
          method: "GET",
          url: `/v1/changes/${number}/risk`,
          headers: { authorization: `Bearer ${token}` },
        })
      ).json().table as string;
      expect(table).toContain("create-index-non-concurrently at migrations/api/V2__add_index.sql:3");
    });

    it("counts the coverage gaps the Release declares, and refuses a gap for a service the release does not change", async () => {
      const bad = await apply(releaseWithGaps("web"));
      expect(bad.statusCode).toBe(400);
      expect(JSON.stringify(bad.json())).toContain(
        'coverage gap names service \\"web\\", which this release does not change; it changes: api',
      );
      const before = await post("/v1/changes", { release: "r1", environment: "prod", ...WINDOW });
      const first = before.json().number as string;
      expect(await factor(first, "test coverage gaps")).toMatchObject({ points: 0, fact: "none declared" });
      expect((await apply(releaseWithGaps("api"))).statusCode).toBe(200);
      const after = await post(`/v1/changes/${first}/transitions/assess`, {});
      expect(after.statusCode, after.body).toBe(200);
      expect(await factor(first, "test coverage gaps")).toEqual({
        name: "test coverage gaps",
        points: 10,
        fact: "api: no contract test for the v1.1 pagination; api: load test skipped for the new index",
      });
      // Without the migration files, the contract migration still counts as destructive.
      expect((await factor(first, "migrations")).fact).toBe(
        "api/V3__drop_old destructive (contract phase removes what the previous version used)",
      );
    });
  },
);
