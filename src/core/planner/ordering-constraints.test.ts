import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { CURRENT, TARGET } from "./compact-fleet.js";
import { findMissing } from "./missing-providers.js";
import {
  buildOrderingConstraints,
  type EdgeCause,
  type IncompatiblePair,
  type OrderingConstraints,
} from "./ordering-constraints.js";
import { type NeedRef, type PairContext, pairRelation } from "./pair-relation.js";
import { type PlanningFleet, resolvePlanningFleet } from "./planning-fleet.js";
import { ENTRY_WORDS, firstEntry, NO_ENTRY, nextEntry, providerIndex } from "./provider-index.js";
import { createRangeMatcher, type RangeMatcher } from "./range-matcher.js";

const APIS = ["a", "b", "c", "d"];
const VERSIONS = ["1.0.0", "1.5.0", "2.0.0", "3.0.0"];
const RANGES = ["^1.0.0", "^1.5.0", "^2.0.0", ">=1.5.0", "1.x || 2.x", "*", "^3.0.0"];

/** An ordering edge with its cause, as the reference builds them. */
interface OrderingEdge {
  readonly before: number;
  readonly after: number;
  readonly cause: EdgeCause;
}

/** What the reference answers: the constraints with every edge and its cause spelt out. */
type SpeltOut = Omit<OrderingConstraints, "edges"> & { readonly edges: readonly OrderingEdge[] };

/** The constraints with each edge's cause asked for, in edge order. */
function speltOut(constraints: OrderingConstraints): SpeltOut {
  const { edges, missing, incompatible } = constraints;
  return {
    edges: edges.before.map((before, e) => ({ before, after: edges.after[e] ?? -1, cause: edges.cause(e) })),
    missing,
    incompatible,
  };
}

/**
 * The constraints as buildOrderingConstraints computed them before it learnt to skip quiet pairs:
 * pairRelation asked for every (consumer, provider) pair reached through a requirement, providers
 * in order of first reach. The fast path must give exactly this, order included.
 */
function reference(fleet: PlanningFleet, matches: RangeMatcher): SpeltOut {
  const compact = fleet.compact;
  const providers = providerIndex(compact);
  const skip: [Uint8Array, Uint8Array] = [
    new Uint8Array(compact.needs[CURRENT].api.length),
    new Uint8Array(compact.needs[TARGET].api.length),
  ];
  const missing = findMissing(fleet, skip);
  const ctx: PairContext = {
    fleet: compact,
    nameOf: (s) => fleet.services[s]?.name ?? "",
    satisfies: (range, version) =>
      matches(compact.versionNames[version] ?? "", compact.rangeNames[range] ?? ""),
  };
  const edges: OrderingEdge[] = [];
  const incompatible: IncompatiblePair[] = [];
  for (let c = 0; c < fleet.services.length; c++) {
    const groups = new Map<number, NeedRef[]>();
    for (const side of compact.moving[c] === 1 ? [CURRENT, TARGET] : [CURRENT]) {
      const rows = compact.needs[side as 0 | 1];
      for (let k = rows.start[c] ?? 0; k < (rows.start[c + 1] ?? 0); k++) {
        if (skip[side as 0 | 1][k] === 1) continue;
        const api = rows.api[k] ?? 0;
        for (let at = firstEntry(providers, api); at !== NO_ENTRY; at = nextEntry(providers, at)) {
          const p = providers.entries[ENTRY_WORDS * at] ?? 0;
          groups.set(p, [...(groups.get(p) ?? []), k * 2 + side]);
        }
      }
    }
    for (const [p, refs] of groups) {
      const relation = pairRelation(ctx, c, p, refs);
      if (relation.kind === "never") incompatible.push({ kind: "incompatible", reasons: relation.reasons });
      if (relation.kind === "consumer-first")
        edges.push({ before: c, after: p, cause: { kind: "requirement", failure: relation.reason } });
      if (relation.kind === "provider-first")
        edges.push({ before: p, after: c, cause: { kind: "requirement", failure: relation.reason } });
    }
    if (compact.moving[c] !== 1) continue;
    for (const dependency of fleet.services[c]?.dependsOn ?? []) {
      const d = fleet.indexOf.get(dependency);
      if (d !== undefined && compact.moving[d] === 1)
        edges.push({ before: d, after: c, cause: { kind: "depends-on" } });
    }
  }
  return { edges, missing, incompatible };
}

const provides = fc.array(
  fc.record({ api: fc.constantFrom(...APIS), version: fc.constantFrom(...VERSIONS) }),
  { maxLength: 4 }, // the same API twice: a version serving several versions of it
);
const requires = fc.array(fc.record({ api: fc.constantFrom(...APIS), range: fc.constantFrom(...RANGES) }), {
  maxLength: 4,
});
const serviceDraft = fc.record({
  provides,
  requires,
  dependsOn: fc.option(fc.nat(), { freq: 4 }),
  change: fc.option(
    fc.record({
      version: fc.constantFrom("2.0.0", "1.0.0"),
      provides: fc.option(provides, { freq: 3 }),
      requires: fc.option(requires, { freq: 3 }),
    }),
    { freq: 2 },
  ),
});

const fleets = fc.array(serviceDraft, { minLength: 1, maxLength: 12 }).map((drafts): PlanInput => {
  const name = (i: number) => `s${String(i).padStart(2, "0")}`;
  const services = drafts.map(
    (d, i): DocumentOf<"Service"> => ({
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Service",
      metadata: { name: name(i) },
      spec: {
        version: "1.0.0",
        provides: d.provides,
        requires: d.requires,
        ...(d.dependsOn === null ? {} : { dependsOn: [name(d.dependsOn % drafts.length)] }),
      },
    }),
  );
  const changes = drafts.flatMap((d, i): ReleaseChange[] =>
    d.change === null
      ? []
      : [
          {
            service: name(i),
            version: d.change.version,
            ...(d.change.provides === null ? {} : { provides: d.change.provides }),
            ...(d.change.requires === null ? {} : { requires: d.change.requires }),
          },
        ],
  );
  return {
    services,
    release: {
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Release",
      metadata: { name: "r" },
      spec: { environments: ["prod"], changes },
    },
  };
});
type PlanInput = import("./planning-fleet.js").PlanInput;

describe("buildOrderingConstraints", () => {
  it("gives exactly the edges, conflicts and their order of asking pairRelation for every reached pair", () => {
    fc.assert(
      fc.property(fleets, (input) => {
        const fleet = resolvePlanningFleet(input, "prod");
        const expected = reference(fleet, createRangeMatcher());
        const constraints = buildOrderingConstraints(fleet, createRangeMatcher());
        expect(speltOut(constraints)).toEqual(expected);
        const { edges } = constraints;
        for (let e = 0; e < edges.before.length; e++)
          expect(edges.isDependsOn(e)).toBe(edges.cause(e).kind === "depends-on");
      }),
      { numRuns: 400 },
    );
  });
});
