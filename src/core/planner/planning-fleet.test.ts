import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import { InputError } from "../errors/domain-error.js";
import { type PlanInput, resolvePlanningFleet } from "./planning-fleet.js";

const NAMES = ["api", "billing", "cart", "db", "edge"];

function inputOf(services: { name: string; dependsOn?: string }[], changes: string[]): PlanInput {
  return {
    services: services.map(
      (s): DocumentOf<"Service"> => ({
        apiVersion: "upshift.dev/v1alpha1",
        kind: "Service",
        metadata: { name: s.name },
        spec: {
          version: "1.0.0",
          provides: [],
          requires: [],
          ...(s.dependsOn === undefined ? {} : { dependsOn: [s.dependsOn] }),
        },
      }),
    ),
    release: {
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Release",
      metadata: { name: "r" },
      spec: { environments: ["prod"], changes: changes.map((service) => ({ service, version: "2.0.0" })) },
    },
  };
}

/** What resolvePlanningFleet must answer, worked out the plain way: the first error, or each service's change. */
function expected(services: { name: string; dependsOn?: string }[], changes: string[]): string | string[] {
  const sorted = [...services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const twice = sorted.find((s, i) => i > 0 && sorted[i - 1]?.name === s.name);
  if (twice !== undefined) return "plan.duplicate-service";
  const names = new Set(sorted.map((s) => s.name));
  const seen = new Set<string>();
  for (const c of changes) {
    if (!names.has(c)) return "plan.unknown-service";
    if (seen.has(c)) return "plan.duplicate-change";
    seen.add(c);
  }
  if (sorted.some((s) => s.dependsOn !== undefined && !names.has(s.dependsOn))) return "plan.unknown-service";
  return sorted.map((s) => `${s.name}:${seen.has(s.name) ? "moves" : "stays"}`);
}

describe("resolvePlanningFleet", () => {
  it("sorts services by name, places each change however both are ordered, and names the first bad input", () => {
    const service = fc.record(
      { name: fc.constantFrom(...NAMES), dependsOn: fc.constantFrom(...NAMES, "ghost") },
      { requiredKeys: ["name"] },
    );
    fc.assert(
      fc.property(
        fc.array(service, { maxLength: 6 }),
        fc.array(fc.constantFrom(...NAMES, "ghost"), { maxLength: 5 }),
        (services, changes) => {
          const want = expected(services, changes);
          let got: string | string[];
          try {
            got = resolvePlanningFleet(inputOf(services, changes), "prod").services.map(
              (s) => `${s.name}:${s.target === undefined ? "stays" : "moves"}`,
            );
          } catch (error) {
            if (!(error instanceof InputError)) throw error;
            got = error.code;
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
