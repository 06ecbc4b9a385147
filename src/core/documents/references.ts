import type { DocumentKind, UpshiftDocument } from "./document-kinds.js";
import { didYouMean } from "./nearest-name.js";
import { type DocumentProblem, formatPath, type ProblemCode } from "./problem.js";
import type { CheckedDocument, DocumentIdentity } from "./validate-document.js";
import type { SourceDocument } from "./yaml-source.js";

/** Names of every document by kind, and every API some service or release change provides. */
interface Catalog {
  readonly names: ReadonlyMap<DocumentKind, ReadonlySet<string>>;
  readonly apis: ReadonlySet<string>;
}

function buildCatalog(all: readonly UpshiftDocument[], invalid: readonly DocumentIdentity[]): Catalog {
  const names = new Map<DocumentKind, Set<string>>();
  const apis = new Set<string>();
  const addName = (kind: DocumentKind, name: string) => {
    const set = names.get(kind) ?? new Set<string>();
    names.set(kind, set);
    set.add(name);
  };
  for (const i of invalid) {
    addName(i.kind, i.name);
    for (const api of i.provides) apis.add(api);
  }
  for (const d of all) {
    addName(d.kind, d.metadata.name);
    if (d.kind === "Service") for (const p of d.spec.provides ?? []) apis.add(p.api);
    if (d.kind === "Release")
      for (const c of d.spec.changes) for (const p of c.provides ?? []) apis.add(p.api);
  }
  return { names, apis };
}

type Reference = { kind: DocumentKind | "API"; name: string; path: (string | number)[]; target?: "key" };

/** Every reference a document makes to another document or to an API. */
function referencesOf(d: UpshiftDocument): Reference[] {
  const refs: Reference[] = [];
  const add = (kind: Reference["kind"], name: string, ...path: (string | number)[]): void => {
    refs.push({ kind, name, path });
  };
  const each = <T>(list: readonly T[] | undefined, visit: (item: T, index: number) => void): void => {
    for (const [i, item] of (list ?? []).entries()) visit(item, i);
  };
  switch (d.kind) {
    case "Service":
      each(d.spec.dependsOn, (s, i) => add("Service", s, "spec", "dependsOn", i));
      each(d.spec.requires, (r, i) => add("API", r.api, "spec", "requires", i, "api"));
      for (const env of Object.keys(d.spec.environments ?? {}))
        refs.push({ kind: "Environment", name: env, path: ["spec", "environments", env], target: "key" });
      break;
    case "Environment":
      if (d.spec.promotesFrom !== undefined) add("Environment", d.spec.promotesFrom, "spec", "promotesFrom");
      each(d.spec.calendars, (c, i) => add("Calendar", c, "spec", "calendars", i));
      break;
    case "Calendar":
      each(d.spec.windows, (w, wi) => {
        each(w.scope?.environments, (e, i) =>
          add("Environment", e, "spec", "windows", wi, "scope", "environments", i),
        );
        each(w.scope?.services, (s, i) => add("Service", s, "spec", "windows", wi, "scope", "services", i));
      });
      break;
    case "Policy":
      each(d.spec.approvals?.rules, (r, ri) =>
        each(r.match?.environments, (e, i) =>
          add("Environment", e, "spec", "approvals", "rules", ri, "match", "environments", i),
        ),
      );
      break;
    case "Resource":
      if (d.spec.calendar !== undefined) add("Calendar", d.spec.calendar, "spec", "calendar");
      break;
    case "Release":
      each(d.spec.environments, (e, i) => add("Environment", e, "spec", "environments", i));
      each(d.spec.teams, (t, i) => add("Resource", t, "spec", "teams", i));
      each(d.spec.bookings, (b, i) => {
        add("Resource", b.resource, "spec", "bookings", i, "resource");
        add("Environment", b.environment, "spec", "bookings", i, "environment");
      });
      each(d.spec.changes, (c, ci) => {
        add("Service", c.service, "spec", "changes", ci, "service");
        each(c.requires, (r, i) => add("API", r.api, "spec", "changes", ci, "requires", i, "api"));
      });
      break;
    default: {
      const never: never = d;
      throw new Error(`unhandled kind ${(never as UpshiftDocument).kind}`);
    }
  }
  return refs;
}

const CODE: Record<Reference["kind"], ProblemCode> = {
  Service: "ref.unknown-service",
  Environment: "ref.unknown-environment",
  Calendar: "ref.unknown-calendar",
  Resource: "ref.unknown-resource",
  Policy: "ref.unknown-service",
  Release: "ref.unknown-service",
  API: "ref.unknown-api",
};

/**
 * Cross-document checks over a set being applied (`checked`, with sources) in the context of
 * documents already stored (`context`, replaced by same kind/name in `checked`): duplicates and
 * references to unknown services, environments, calendars, resources and APIs.
 */
export function checkReferences(
  checked: readonly CheckedDocument[],
  context: readonly UpshiftDocument[] = [],
  invalid: readonly DocumentIdentity[] = [],
): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const first = new Map<string, SourceDocument | undefined>();
  const everyIdentity = [
    ...checked.map((c) => ({ kind: c.doc.kind, name: c.doc.metadata.name, source: c.source })),
    ...invalid,
  ].sort(
    (a, b) =>
      (a.source?.file ?? "").localeCompare(b.source?.file ?? "") ||
      (a.source?.index ?? 0) - (b.source?.index ?? 0),
  );
  for (const { kind, name, source } of everyIdentity) {
    const key = `${kind}/${name}`;
    if (!first.has(key)) {
      first.set(key, source);
      continue;
    }
    if (source === undefined) continue;
    const earlier = first.get(key);
    const at = source.locate(["metadata", "name"]);
    const was = earlier ? `${earlier.file}:${earlier.locate(["metadata", "name"]).line}` : "elsewhere";
    problems.push({
      code: "document.duplicate",
      file: source.file,
      line: at.line,
      column: at.column,
      path: "metadata.name",
      message: `duplicate ${kind} "${name}": already defined at ${was}; each kind/name must be unique`,
    });
  }
  const replaced = new Set(first.keys());
  const all = [
    ...context.filter((d) => !replaced.has(`${d.kind}/${d.metadata.name}`)),
    ...checked.map((c) => c.doc),
  ];
  const catalog = buildCatalog(all, invalid);
  for (const c of checked) {
    if (c.source === undefined) continue;
    for (const ref of referencesOf(c.doc)) {
      const known = ref.kind === "API" ? catalog.apis : (catalog.names.get(ref.kind) ?? new Set<string>());
      if (known.has(ref.name)) continue;
      const at = c.source.locate(ref.path, ref.target ?? "value");
      const what =
        ref.kind === "API"
          ? `API "${ref.name}": no service or release change provides it`
          : `${ref.kind} "${ref.name}": no such document`;
      const list = [...known].sort();
      const shown =
        list.length === 0
          ? "none is defined"
          : `known: ${list.slice(0, 10).join(", ")}${list.length > 10 ? ", …" : ""}`;
      problems.push({
        code: CODE[ref.kind],
        file: c.source.file,
        line: at.line,
        column: at.column,
        path: formatPath(ref.path),
        message: `unknown ${what}.${didYouMean(ref.name, list)} (${shown})`,
      });
    }
  }
  return problems;
}

/** A document that would be left with a dangling reference if `target` were deleted. */
export interface Referrer {
  readonly kind: DocumentKind;
  readonly name: string;
  readonly path: string;
  readonly reason: string;
}

/**
 * Who refers to `target` among `docs`: by name, or through an API that only `target` provides.
 * Deleting a document is refused while this list is not empty.
 */
export function referrersOf(
  target: { kind: DocumentKind; name: string },
  docs: readonly UpshiftDocument[],
): Referrer[] {
  const others = docs.filter((d) => !(d.kind === target.kind && d.metadata.name === target.name));
  const remaining = buildCatalog(others, []);
  const before = buildCatalog(docs, []);
  const referrers: Referrer[] = [];
  for (const d of others) {
    for (const ref of referencesOf(d)) {
      const byName = ref.kind === target.kind && ref.name === target.name;
      const byApi = ref.kind === "API" && before.apis.has(ref.name) && !remaining.apis.has(ref.name);
      if (!byName && !byApi) continue;
      referrers.push({
        kind: d.kind,
        name: d.metadata.name,
        path: formatPath(ref.path),
        reason: byName
          ? `refers to ${target.kind} "${target.name}"`
          : `requires API "${ref.name}", which only ${target.kind} "${target.name}" provides`,
      });
    }
  }
  return referrers;
}
