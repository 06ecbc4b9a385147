import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildFleetArtifacts, FLEET_DIR, type FleetArtifact } from "../../src/demo/fleet-artifacts.js";

let out: string;
let artifacts: FleetArtifact[];
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "upshift-fleet-"));
  artifacts = await buildFleetArtifacts(out);
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe("the demo fleet's artifacts", () => {
  it("builds one directory per service version, reproducibly", async () => {
    expect(artifacts.map((a) => `${a.service}-${a.version}`)).toEqual([
      "billing-1.0.0",
      "billing-2.0.0",
      "catalog-1.0.0",
      "catalog-2.0.0",
      "checkout-1.0.0",
      "checkout-2.0.0",
      "storefront-1.0.0",
      "storefront-2.0.0",
    ]);
    const again = await buildFleetArtifacts(join(out, "again"));
    expect(again.map((a) => a.digest)).toEqual(artifacts.map((a) => a.digest));
    expect(new Set(artifacts.map((a) => a.digest)).size).toBe(artifacts.length);
  });

  it("matches every digest the Releases carry (edit a service script and this names the stale one)", async () => {
    for (const file of ["release-v1.yaml", "release-v2.yaml"]) {
      const docs = parseAllDocuments(await readFile(join(FLEET_DIR, file), "utf8"));
      for (const doc of docs) {
        const changes = (
          doc.toJS() as {
            spec: { changes: { service: string; version: string; artifact: { digest: string } }[] };
          }
        ).spec.changes;
        for (const c of changes) {
          const built = artifacts.find((a) => a.service === c.service && a.version === c.version);
          expect(`${file} ${c.service} ${c.version} ${c.artifact.digest}`).toBe(
            `${file} ${c.service} ${c.version} ${built?.digest}`,
          );
        }
      }
    }
  });
});
