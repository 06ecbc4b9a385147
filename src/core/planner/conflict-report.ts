import type { MissingProvider } from "./missing-providers.js";
import type { EdgeCause, IncompatiblePair } from "./ordering-constraints.js";
import type { RequirementFailure, VersionSide } from "./pair-relation.js";
import { compareNames, type FleetService, type PlanningFleet, servedByName } from "./planning-fleet.js";
import type { RangeMatcher } from "./range-matcher.js";
import type { PlanConflict, PlanRequirement } from "./release-plan.js";

/** One link of a cycle that mixes requirements and dependsOn: `before` must precede `after`. */
export interface CycleLink {
  readonly before: string;
  readonly after: string;
  readonly cause: EdgeCause;
}

/** Writes conflicts in a person's words, with a concrete way out for each requirement. */
export class ConflictReporter {
  readonly #fleet: PlanningFleet;
  readonly #matches: RangeMatcher;

  constructor(fleet: PlanningFleet, matches: RangeMatcher) {
    this.#fleet = fleet;
    this.#matches = matches;
  }

  #service(name: string): FleetService | undefined {
    const i = this.#fleet.indexOf.get(name);
    return i === undefined ? undefined : this.#fleet.services[i];
  }

  #at(name: string, side: VersionSide): string {
    const s = this.#service(name);
    const version = side === "target" ? (s?.target ?? s?.current)?.version : s?.current.version;
    return `${name} ${version ?? "?"}`;
  }

  #describe(f: RequirementFailure): string {
    const offered =
      f.provides.length === 0 ? `does not serve ${f.api}` : `provides ${f.api} ${f.provides.join(", ")}`;
    return `${this.#at(f.consumer, f.consumerSide)} requires ${f.api} ${f.range}, but ${this.#at(f.provider, f.providerSide)} ${offered}`;
  }

  #suggest(f: RequirementFailure): string {
    const provider = this.#service(f.provider);
    const consumerMoves = this.#service(f.consumer)?.target !== undefined;
    if (f.consumerSide === "current" && f.providerSide === "target") {
      const kept = (provider === undefined ? [] : (servedByName(provider.current, f.api) ?? [])).filter((v) =>
        this.#matches(v, f.range),
      );
      const keep = kept.length > 0 ? `${f.api} ${kept.join(", ")}` : `a version of ${f.api} in ${f.range}`;
      const until = consumerMoves ? `${f.consumer} moves` : `${f.consumer} is upgraded to accept the new one`;
      return `let ${this.#at(f.provider, "target")} keep providing ${keep} until ${until}, then drop it in a later release`;
    }
    if (f.consumerSide === "target" && f.providerSide === "current") {
      const widened = f.provides.length > 0 ? `"${[f.range, ...f.provides].join(" || ")}"` : `its old range`;
      return `let ${this.#at(f.consumer, "target")} also accept ${f.api} ${f.provides.join(", ") || "from the old provider"} (e.g. ${widened}) until ${f.provider} has moved, or move ${f.provider} in an earlier release`;
    }
    if (f.consumerSide === "target") {
      return `make ${this.#at(f.consumer, "target")} accept ${f.api} ${f.provides.join(", ") || "from its provider"}, or let ${this.#at(f.provider, "target")} provide ${f.api} in ${f.range}`;
    }
    return `already broken before the release: let ${f.provider} provide ${f.api} in ${f.range}, or change what ${f.consumer} requires`;
  }

  #requirement(f: RequirementFailure): PlanRequirement {
    return { consumer: f.consumer, api: f.api, range: f.range, provider: f.provider, provides: f.provides };
  }

  /** A requirement that no service serves, now or after the release. */
  missing(m: MissingProvider): PlanConflict {
    const who = this.#at(m.consumer, m.side);
    const former = m.formerProvider;
    const message =
      m.when === "now"
        ? `${who} requires ${m.api} ${m.range}, but no service in the fleet provides ${m.api}`
        : `${who} requires ${m.api} ${m.range}, but no service provides ${m.api} once the release is done${former === undefined ? "" : ` (${this.#at(former, "target")} drops it)`}`;
    const suggestion =
      former !== undefined
        ? `let ${this.#at(former, "target")} keep providing ${m.api} until ${m.consumer} no longer requires it, then drop it in a later release`
        : `add a service that provides ${m.api}, or change ${m.consumer} so that it no longer requires it`;
    return {
      services: [m.consumer],
      requirements: [
        { consumer: m.consumer, api: m.api, range: m.range, provider: former ?? null, provides: [] },
      ],
      message,
      suggestions: [suggestion],
    };
  }

  /** A consumer and provider that break each other in every order. */
  incompatible(pair: IncompatiblePair): PlanConflict {
    const names = [...new Set(pair.reasons.flatMap((r) => [r.consumer, r.provider]))].sort(compareNames);
    const still = names.filter((n) => this.#service(n)?.target === undefined);
    const note =
      still.length === 0
        ? ""
        : ` (${still.join(" and ")} ${still.length > 1 ? "do" : "does"} not move in this release)`;
    return {
      services: names,
      requirements: pair.reasons.map((r) => this.#requirement(r)),
      message: `no order of ${names.join(" and ")} keeps every state safe${note}: ${pair.reasons.map((r) => this.#describe(r)).join("; ")}`,
      suggestions: pair.reasons.map((r) => this.#suggest(r)),
    };
  }

  /** A cycle of ordering constraints with at least one requirement in it. */
  cycle(links: readonly CycleLink[]): PlanConflict {
    const services = [...new Set(links.map((l) => l.before))].sort(compareNames);
    const failures = links.flatMap((l) => (l.cause.kind === "requirement" ? [l.cause.failure] : []));
    const parts = links.map((l) =>
      l.cause.kind === "depends-on"
        ? `${l.after} depends on ${l.before}`
        : `${l.before} must go before ${l.after} because ${this.#describe(l.cause.failure)}`,
    );
    const suggestions = links.map((l) =>
      l.cause.kind === "depends-on"
        ? `drop ${l.after}'s dependsOn ${l.before} if ${l.after} can be deployed before it`
        : this.#suggest(l.cause.failure),
    );
    return {
      services,
      requirements: failures.map((f) => this.#requirement(f)),
      message: `no order of ${services.join(", ")} satisfies all of: ${parts.join("; ")}`,
      suggestions,
    };
  }
}
