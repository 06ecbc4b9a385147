import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import { InputError } from "../errors/domain-error.js";
import { CURRENT, type Side, TARGET } from "./compact-fleet.js";
import {
  type PlanInput,
  type PlanningFleet,
  resolvePlanningFleet,
  type ServiceVersion,
} from "./planning-fleet.js";

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

/** A service's rows of one side, read back through the interned names. */
function decoded(fleet: PlanningFleet, s: number, side: Side) {
  const c = fleet.compact;
  const served = c.served[side];
  const needs = c.needs[side];
  const entries = [];
  for (let e = served.start[s] ?? 0; e < (served.start[s + 1] ?? 0); e++) {
    const versions = [];
    for (let j = served.versionStart[e] ?? 0; j < (served.versionStart[e + 1] ?? 0); j++)
      versions.push(c.versionNames[served.version[j] ?? -1]);
    entries.push({ api: c.apiNames[served.api[e] ?? -1], versions });
  }
  const requires = [];
  for (let k = needs.start[s] ?? 0; k < (needs.start[s + 1] ?? 0); k++)
    requires.push({ api: c.apiNames[needs.api[k] ?? -1], range: c.rangeNames[needs.range[k] ?? -1] });
  return { entries, requires };
}

/** The same, the plain way: one entry per API in order of first mention, each version once. */
function expectedRows(version: ServiceVersion | undefined) {
  if (version === undefined) return { entries: [], requires: [] };
  const entries: { api: string; versions: string[] }[] = [];
  for (const p of version.provides) {
    const entry = entries.find((e) => e.api === p.api);
    if (entry === undefined) entries.push({ api: p.api, versions: [p.version] });
    else if (!entry.versions.includes(p.version)) entry.versions.push(p.version);
  }
  return { entries, requires: version.requires.map((r) => ({ api: r.api, range: r.range })) };
}

describe("the compact fleet", () => {
  it("holds each service's provides and requires of both sides, however long the lists (rows grow past their first size)", () => {
    const apis = fc.constantFrom("a", "b", "c", "payments-api-with-a-long-name", "d");
    const provides = fc.array(fc.record({ api: apis, version: fc.constantFrom("1.0.0", "1.5.0", "2.0.0") }), {
      maxLength: 40,
    });
    const requires = fc.array(fc.record({ api: apis, range: fc.constantFrom("^1.0.0", "^2.0.0", "*") }), {
      maxLength: 40,
    });
    const service = fc.record({
      provides,
      requires,
      change: fc.option(fc.record({ provides: fc.option(provides), requires: fc.option(requires) })),
    });
    fc.assert(
      fc.property(fc.array(service, { minLength: 1, maxLength: 6 }), (drafts) => {
        const input = inputOf(
          drafts.map((_, i) => ({ name: `s${i}` })),
          [],
        );
        const docs = input.services.map((doc, i) => ({
          ...doc,
          spec: { ...doc.spec, provides: drafts[i]?.provides ?? [], requires: drafts[i]?.requires ?? [] },
        }));
        const changes = drafts.flatMap((d, i) =>
          d.change === null
            ? []
            : [
                {
                  service: `s${i}`,
                  version: "2.0.0",
                  ...(d.change.provides === null ? {} : { provides: d.change.provides }),
                  ...(d.change.requires === null ? {} : { requires: d.change.requires }),
                },
              ],
        );
        const fleet = resolvePlanningFleet(
          { services: docs, release: { ...input.release, spec: { ...input.release.spec, changes } } },
          "prod",
        );
        fleet.services.forEach((s, i) => {
          expect(decoded(fleet, i, CURRENT)).toEqual(expectedRows(s.current));
          expect(decoded(fleet, i, TARGET)).toEqual(expectedRows(s.target));
          expect(fleet.compact.moving[i]).toBe(s.target === undefined ? 0 : 1);
        });
      }),
      { numRuns: 300 },
    );
  });
});
