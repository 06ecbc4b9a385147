import { migrationChecksum } from "./migration-checksum.js";
import { parseMigrationFileName } from "./migration-file-name.js";
import { type PhaseHeader, readPhaseHeader } from "./migration-phase.js";

/** One file of a directory listing, given as data so that reading the directory stays outside the core. */
export interface MigrationSource {
  readonly fileName: string;
  readonly text: string;
}

interface MigrationFileBase {
  readonly fileName: string;
  readonly name: string;
  readonly text: string;
  /** sha256 of the normalized text (see `migrationChecksum`). */
  readonly checksum: string;
  /** The `-- upshift: phase=...` header; when absent the linter infers the phase. */
  readonly phaseHeader: PhaseHeader;
}

/** A migration file, versioned (applied once) or repeatable (re-applied when changed). */
export type MigrationFile =
  | (MigrationFileBase & { readonly kind: "versioned"; readonly version: number })
  | (MigrationFileBase & { readonly kind: "repeatable" });

/** Something wrong with the set as a whole; `blocking` ones stop every run. */
export type MigrationSetProblem =
  | {
      readonly kind: "invalid-file-name";
      readonly blocking: true;
      readonly fileName: string;
      readonly message: string;
    }
  | {
      readonly kind: "duplicate-version";
      readonly blocking: true;
      readonly version: number;
      readonly fileNames: readonly string[];
    }
  | {
      readonly kind: "duplicate-repeatable";
      readonly blocking: true;
      readonly name: string;
      readonly fileNames: readonly string[];
    }
  | {
      readonly kind: "version-gap";
      readonly blocking: false;
      readonly after: number;
      readonly before: number;
      readonly missingCount: number;
    };

/** A service's migrations, in the order they apply: versioned by version, then repeatable by name. */
export interface MigrationSet {
  readonly versioned: readonly Extract<MigrationFile, { kind: "versioned" }>[];
  readonly repeatable: readonly Extract<MigrationFile, { kind: "repeatable" }>[];
  readonly problems: readonly MigrationSetProblem[];
}

/** Reads a directory listing into a migration set, reporting duplicates, gaps and bad names. */
export function readMigrationSet(listing: readonly MigrationSource[]): MigrationSet {
  const versioned: Extract<MigrationFile, { kind: "versioned" }>[] = [];
  const repeatable: Extract<MigrationFile, { kind: "repeatable" }>[] = [];
  const problems: MigrationSetProblem[] = [];
  for (const source of listing) {
    const parsed = parseMigrationFileName(source.fileName);
    const base = {
      fileName: source.fileName,
      text: source.text,
      checksum: migrationChecksum(source.text),
      phaseHeader: readPhaseHeader(source.text),
    };
    switch (parsed.kind) {
      case "versioned":
        versioned.push({ ...base, kind: "versioned", version: parsed.version, name: parsed.name });
        break;
      case "repeatable":
        repeatable.push({ ...base, kind: "repeatable", name: parsed.name });
        break;
      case "invalid":
        problems.push({
          kind: "invalid-file-name",
          blocking: true,
          fileName: source.fileName,
          message: parsed.reason,
        });
        break;
      case "not-sql":
        break;
      default:
        parsed satisfies never;
    }
  }
  versioned.sort((a, b) => a.version - b.version || byCodeUnit(a.fileName, b.fileName));
  repeatable.sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.fileName, b.fileName));
  problems.push(...duplicates(versioned, repeatable), ...gaps(versioned));
  return { versioned, repeatable, problems };
}

function duplicates(
  versioned: readonly MigrationFile[],
  repeatable: readonly MigrationFile[],
): MigrationSetProblem[] {
  const problems: MigrationSetProblem[] = [];
  const byVersion = groupBy(versioned, (f) => (f.kind === "versioned" ? f.version : -1));
  for (const [version, files] of byVersion) {
    if (files.length > 1)
      problems.push({
        kind: "duplicate-version",
        blocking: true,
        version,
        fileNames: files.map((f) => f.fileName),
      });
  }
  for (const [name, files] of groupBy(repeatable, (f) => f.name)) {
    if (files.length > 1)
      problems.push({
        kind: "duplicate-repeatable",
        blocking: true,
        name,
        fileNames: files.map((f) => f.fileName),
      });
  }
  return problems;
}

/** Gaps are legal (a branch may have been merged without its predecessor) but worth a look. */
function gaps(versioned: readonly Extract<MigrationFile, { kind: "versioned" }>[]): MigrationSetProblem[] {
  const problems: MigrationSetProblem[] = [];
  for (let i = 1; i < versioned.length; i++) {
    const after = versioned[i - 1]?.version ?? 0;
    const before = versioned[i]?.version ?? 0;
    if (before - after > 1)
      problems.push({
        kind: "version-gap",
        blocking: false,
        after,
        before,
        missingCount: before - after - 1,
      });
  }
  return problems;
}

/** Locale-independent order, so every machine applies repeatable migrations in the same order. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

/** A set problem as one line for the CLI. */
export function formatMigrationSetProblem(problem: MigrationSetProblem): string {
  switch (problem.kind) {
    case "invalid-file-name":
      return `${problem.fileName}: ${problem.message}`;
    case "duplicate-version":
      return `version ${problem.version} is used by ${problem.fileNames.join(" and ")}`;
    case "duplicate-repeatable":
      return `repeatable ${problem.name} is defined by ${problem.fileNames.join(" and ")}`;
    case "version-gap":
      return `no migration between V${problem.after} and V${problem.before} (${problem.missingCount} version(s) skipped)`;
    default:
      return problem satisfies never;
  }
}
