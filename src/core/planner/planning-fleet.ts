import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { InputError } from "../errors/domain-error.js";
import { type CompactFleet, CompactFleetBuilder } from "./compact-fleet.js";
import type { ServiceMigrationFacts } from "./service-migration-facts.js";
import { type ServiceMove, serviceMove } from "./service-move.js";

/** What the planner reads: Service documents and one Release, already validated. */
export interface PlanInput {
  readonly services: readonly DocumentOf<"Service">[];
  readonly release: DocumentOf<"Release">;
  /** The changed services' migration sets, read and linted by the adapter that builds the input. */
  readonly migrations?: readonly ServiceMigrationFacts[];
}

export interface ApiNeed {
  readonly api: string;
  readonly range: string;
}

/** One version of a service as far as compatibility goes: what it serves and what it needs. */
export interface ServiceVersion {
  readonly version: string;
  /** An API may appear more than once: a version can serve v2 and v3 of an API side by side. */
  readonly provides: readonly { readonly api: string; readonly version: string }[];
  readonly requires: readonly ApiNeed[];
}

/** The versions of API `api` that a version serves; undefined when it does not serve it. */
export function servedByName(version: ServiceVersion, api: string): readonly string[] | undefined {
  const versions = version.provides.filter((p) => p.api === api).map((p) => p.version);
  return versions.length === 0 ? undefined : [...new Set(versions)];
}

export interface FleetService {
  readonly name: string;
  /** 0 most critical … 3 least; a service without a tier counts as 0, so it never goes first. */
  readonly tier: number;
  readonly current: ServiceVersion;
  /** The version the release moves it to in this environment; undefined when it does not move. */
  readonly target: ServiceVersion | undefined;
  /** What the waves need of the move, when the release moves the service (see ServiceMove). */
  readonly move: ServiceMove | undefined;
  readonly dependsOn: readonly string[];
}

/** The fleet as one environment of a release sees it, services sorted by name. */
export interface PlanningFleet {
  readonly environment: string;
  readonly services: readonly FleetService[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** The same fleet as flat typed arrays, for the hot loops. */
  readonly compact: CompactFleet;
  /** Each service's dependsOn as service indices: service s's are list[start[s] .. start[s + 1]). */
  readonly dependencies: { readonly start: Int32Array; readonly list: Int32Array };
}

/** Code-unit order: stable across machines and locales, unlike localeCompare. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Shared empty lists: most services have no dependsOn, and none is ever modified. */
const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_PROVIDES: ServiceVersion["provides"] = Object.freeze([]);
const NO_NEEDS: readonly ApiNeed[] = Object.freeze([]);

/** A Service spec or a Release change: a version, with what it serves and needs when it says. */
interface VersionDocument {
  readonly version: string;
  readonly provides?: readonly { readonly api: string; readonly version: string }[] | undefined;
  readonly requires?: readonly ApiNeed[] | undefined;
}

/**
 * `source` as the ServiceVersion (version, provides, requires), when it is exactly that with both
 * lists present: the usual case, in which the planner reads the document itself instead of a copy.
 * A 100,000-service fleet's versions live through the whole plan, so every copy is an object the
 * scavenger copies twice (to the young generation's other half, then to the old generation).
 */
function asVersion(
  source: VersionDocument,
  version: string,
  provides: ServiceVersion["provides"] | undefined,
  requires: readonly ApiNeed[] | undefined,
): ServiceVersion {
  if (
    isVersion(source) &&
    source.version === version &&
    source.provides === provides &&
    source.requires === requires
  )
    return source;
  return { version, provides: provides ?? NO_PROVIDES, requires: requires ?? NO_NEEDS };
}

function isVersion(source: VersionDocument): source is ServiceVersion {
  return source.provides !== undefined && source.requires !== undefined;
}

/** Where `name` is in `names` (sorted in code-unit order), or undefined. */
function indexIn(names: readonly string[], name: string): number | undefined {
  let [low, high] = [0, names.length - 1];
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const found = names[mid] as string;
    if (found === name) return mid;
    if (found < name) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** Each service's change by service index: one search per change, none per service. */
function changesByService(input: PlanInput, names: readonly string[]): (ReleaseChange | undefined)[] {
  const changes = new Array<ReleaseChange | undefined>(names.length).fill(undefined);
  // Changes usually come in name order, as the services do: a cursor walks both, and a change
  // out of order is searched for.
  let cursor = 0;
  const all = input.release.spec.changes;
  for (let c = 0; c < all.length; c++) {
    const change = all[c] as ReleaseChange;
    while (cursor < names.length && (names[cursor] as string) < change.service) cursor++;
    const at = names[cursor] === change.service ? cursor : indexIn(names, change.service);
    if (at === undefined) {
      throw new InputError(
        "plan.unknown-service",
        `release ${input.release.metadata.name} changes service "${change.service}", which has no Service document`,
      );
    }
    if (changes[at] !== undefined) {
      throw new InputError(
        "plan.duplicate-change",
        `release ${input.release.metadata.name} changes service "${change.service}" more than once`,
      );
    }
    changes[at] = change;
  }
  return changes;
}

/** Services sorted by name, and their names: for a fleet (or its changes) out of name order. */
function byName(services: readonly DocumentOf<"Service">[]): {
  docs: readonly DocumentOf<"Service">[];
  names: string[];
} {
  const docs = [...services].sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
  return { docs, names: docs.map((d) => d.metadata.name) };
}

function duplicateService(name: string): InputError {
  return new InputError("plan.duplicate-service", `service "${name}" is defined twice`);
}

/**
 * The planning fleet from `docs`, in one pass over them (see CompactFleetBuilder for why one),
 * when they are in name order; undefined when they are not. Each service's change is `known[i]`
 * or, without `known`, placed during the pass: changes usually come in name order as services do,
 * so a cursor over them meets each on its service's turn. Undefined too when that leaves a change
 * unplaced (out of order, unknown, or named twice). Errors keep the order people fix them in:
 * duplicate services, then changes (left to changesByService), then dependsOn.
 */
function resolveInOrder(
  input: PlanInput,
  docs: readonly DocumentOf<"Service">[],
  environment: string,
  known: readonly (ReleaseChange | undefined)[] | undefined,
): PlanningFleet | undefined {
  const all = input.release.spec.changes;
  const count = docs.length;
  // Sized up front: grown by push, a 100,000-entry array is copied half a dozen times on its way.
  const names = new Array<string>(count);
  const services = new Array<FleetService>(count);
  const compact = new CompactFleetBuilder(count, all.length);
  // dependsOn names in service order, found by binary search once every name is known. (A hash
  // of the names, filled as the walk reads them, measured no faster: hashing every name costs what
  // the searches it saves cost.)
  const dependencyStart = new Int32Array(count + 1);
  const wanted: string[] = [];
  let duplicate: string | undefined;
  let placed = 0;
  let pending = known === undefined ? all[0]?.service : undefined;
  for (let i = 0; i < count; i++) {
    const doc = docs[i] as DocumentOf<"Service">;
    const name = doc.metadata.name;
    if (i > 0) {
      const order = compareNames(names[i - 1] as string, name);
      if (order > 0) return undefined;
      if (order === 0) duplicate ??= name;
    }
    names[i] = name;
    let change: ReleaseChange | undefined;
    if (known !== undefined) change = known[i];
    else if (name === pending) {
      change = all[placed++];
      pending = all[placed]?.service;
    }
    const spec = doc.spec;
    const running = spec.environments?.[environment]?.version ?? spec.version;
    const before = asVersion(spec, running, spec.provides, spec.requires);
    const after =
      change === undefined
        ? undefined
        : asVersion(
            change,
            change.version,
            change.provides ?? spec.provides,
            change.requires ?? spec.requires,
          );
    const dependsOn = spec.dependsOn ?? NO_NAMES;
    for (let d = 0; d < dependsOn.length; d++) wanted.push(dependsOn[d] as string);
    dependencyStart[i + 1] = wanted.length;
    const moves = after !== undefined && after.version !== running;
    const current = after !== undefined && !moves ? after : before;
    const target = moves ? after : undefined;
    // Shared empty lists and no spread: a 100,000-service fleet's FleetService objects live through
    // the whole plan, so every object built here is one the scavenger copies.
    services[i] = {
      name,
      tier: spec.tier ?? 0,
      current,
      target,
      move: moves && change !== undefined ? serviceMove(name, running, change) : undefined,
      dependsOn,
    };
    compact.add(i, current, target);
  }
  if (duplicate !== undefined) throw duplicateService(duplicate);
  if (known === undefined && placed !== all.length) return undefined;
  const dependencies = new Int32Array(wanted.length);
  for (let i = 0, j = 0; i < count; i++) {
    for (; j < (dependencyStart[i + 1] ?? 0); j++) {
      const dependency = wanted[j] as string;
      const at = indexIn(names, dependency);
      if (at === undefined) {
        throw new InputError(
          "plan.unknown-service",
          `service ${names[i]} depends on "${dependency}", which has no Service document`,
        );
      }
      dependencies[j] = at;
    }
  }
  let indexOf: Map<string, number> | undefined;
  return {
    environment,
    services,
    // Built on first use (conflict reports): the planner's own lookups go by index.
    get indexOf(): ReadonlyMap<string, number> {
      indexOf ??= new Map(services.map((s, i) => [s.name, i]));
      return indexOf;
    },
    compact: compact.finish(),
    dependencies: { start: dependencyStart, list: dependencies },
  };
}

/**
 * Resolves what runs in `environment` and what the release moves: the running version is the
 * Service's `environments.<env>.version` when set; a change whose version already runs there is
 * no move, and the service counts as running the change's provides/requires.
 */
export function resolvePlanningFleet(input: PlanInput, environment: string): PlanningFleet {
  const fleet = resolveInOrder(input, input.services, environment, undefined);
  if (fleet !== undefined) return fleet;
  // An unsorted fleet, or changes out of name order (or naming an unknown service, or one twice).
  const { docs, names } = byName(input.services);
  // Sorted, so a duplicate is next to its twin: no lookup per service.
  for (let i = 1; i < names.length; i++)
    if (names[i] === names[i - 1]) throw duplicateService(names[i] as string);
  const sorted = resolveInOrder(input, docs, environment, changesByService(input, names));
  if (sorted === undefined) throw new Error("resolveInOrder refused services sorted by name");
  return sorted;
}
