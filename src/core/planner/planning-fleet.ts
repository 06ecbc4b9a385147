import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { InputError } from "../errors/domain-error.js";

/** What the planner reads: Service documents and one Release, already validated. */
export interface PlanInput {
  readonly services: readonly DocumentOf<"Service">[];
  readonly release: DocumentOf<"Release">;
}

export interface ApiNeed {
  readonly api: string;
  readonly range: string;
}

/** One version of a service as far as compatibility goes: what it serves and what it needs. */
export interface ServiceVersion {
  readonly version: string;
  /** The APIs this version serves; `served[i]` are the versions of `apis[i]` (one API may be served in several). */
  readonly apis: readonly string[];
  readonly served: readonly (readonly string[])[];
  /** `apis` as interned ids (`PlanningFleet.apiNames`). */
  readonly apiIds: readonly number[];
  readonly requires: readonly ApiNeed[];
  /** The interned API id of each requirement, in the order of `requires`. */
  readonly requireIds: readonly number[];
}

/** The versions of API `api` that a version serves; undefined when it does not serve it. */
export function servedByName(version: ServiceVersion, api: string): readonly string[] | undefined {
  const i = version.apis.indexOf(api);
  return i < 0 ? undefined : version.served[i];
}

/** The versions of an API (by interned id) that a version serves; undefined when it does not. */
export function servedVersions(version: ServiceVersion, apiId: number): readonly string[] | undefined {
  const ids = version.apiIds;
  for (let i = 0; i < ids.length; i++) if (ids[i] === apiId) return version.served[i];
  return undefined;
}

export interface FleetService {
  readonly name: string;
  /** 0 most critical … 3 least; a service without a tier counts as 0, so it never goes first. */
  readonly tier: number;
  readonly current: ServiceVersion;
  /** The version the release moves it to in this environment; undefined when it does not move. */
  readonly target: ServiceVersion | undefined;
  readonly change: ReleaseChange | undefined;
  readonly dependsOn: readonly string[];
}

/** The fleet as one environment of a release sees it, services sorted by name. */
export interface PlanningFleet {
  readonly environment: string;
  readonly services: readonly FleetService[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Every API name the fleet mentions, by interned id: large fleets are indexed by id, not by name. */
  readonly apiNames: readonly string[];
}

/** Code-unit order: stable across machines and locales, unlike localeCompare. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Interns API names to small integers, so that indexes are arrays rather than hash maps. */
class ApiInterner {
  readonly names: string[] = [];
  readonly #ids = new Map<string, number>();

  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.#ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

function versionOf(
  apis: ApiInterner,
  version: string,
  provides: readonly { api: string; version: string }[] | undefined,
  requires: readonly ApiNeed[] | undefined,
): ServiceVersion {
  // Arrays, not a Map per version: a 100,000-service fleet would allocate 100,000 maps.
  const names: string[] = [];
  const served: string[][] = [];
  for (const p of provides ?? []) {
    const at = names.indexOf(p.api);
    const list = served[at];
    if (list === undefined) {
      names.push(p.api);
      served.push([p.version]);
    } else if (!list.includes(p.version)) list.push(p.version);
  }
  const needs = requires ?? [];
  return {
    version,
    apis: names,
    served,
    apiIds: names.map((n) => apis.id(n)),
    requires: needs,
    requireIds: needs.map((n) => apis.id(n.api)),
  };
}

function changesByService(input: PlanInput, known: ReadonlySet<string>): Map<string, ReleaseChange> {
  const changes = new Map<string, ReleaseChange>();
  for (const change of input.release.spec.changes) {
    if (!known.has(change.service)) {
      throw new InputError(
        "plan.unknown-service",
        `release ${input.release.metadata.name} changes service "${change.service}", which has no Service document`,
      );
    }
    if (changes.has(change.service)) {
      throw new InputError(
        "plan.duplicate-change",
        `release ${input.release.metadata.name} changes service "${change.service}" more than once`,
      );
    }
    changes.set(change.service, change);
  }
  return changes;
}

/**
 * Resolves what runs in `environment` and what the release moves: the running version is the
 * Service's `environments.<env>.version` when set; a change whose version already runs there is
 * no move, and the service counts as running the change's provides/requires.
 */
export function resolvePlanningFleet(input: PlanInput, environment: string): PlanningFleet {
  const docs = [...input.services].sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
  const known = new Set<string>();
  for (const doc of docs) {
    if (known.has(doc.metadata.name)) {
      throw new InputError("plan.duplicate-service", `service "${doc.metadata.name}" is defined twice`);
    }
    known.add(doc.metadata.name);
  }
  const changes = changesByService(input, known);
  const apis = new ApiInterner();
  const services = docs.map((doc): FleetService => {
    const spec = doc.spec;
    const running = spec.environments?.[environment]?.version ?? spec.version;
    const change = changes.get(doc.metadata.name);
    const before = versionOf(apis, running, spec.provides, spec.requires);
    const after =
      change === undefined
        ? undefined
        : versionOf(apis, change.version, change.provides ?? spec.provides, change.requires ?? spec.requires);
    for (const dependency of spec.dependsOn ?? []) {
      if (!known.has(dependency)) {
        throw new InputError(
          "plan.unknown-service",
          `service ${doc.metadata.name} depends on "${dependency}", which has no Service document`,
        );
      }
    }
    const moves = after !== undefined && after.version !== running;
    return {
      name: doc.metadata.name,
      tier: spec.tier ?? 0,
      current: after !== undefined && !moves ? after : before,
      target: moves ? after : undefined,
      change: moves ? change : undefined,
      dependsOn: spec.dependsOn ?? [],
    };
  });
  return {
    environment,
    services,
    indexOf: new Map(services.map((s, i) => [s.name, i])),
    apiNames: apis.names,
  };
}
