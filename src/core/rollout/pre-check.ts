/**
 * A fact gathered before a wave changes anything, with what it must satisfy. The adapter gathers
 * facts (pre-check-facts.ts in the drivers); evaluatePreChecks judges them without IO.
 */
export type PreCheckFact =
  | {
      readonly kind: "diskSpace";
      readonly path: string;
      readonly freeBytes: number;
      readonly requiredBytes: number;
    }
  | { readonly kind: "writable"; readonly path: string; readonly writable: boolean; readonly error?: string }
  | {
      readonly kind: "portFree";
      readonly host: string;
      readonly port: number;
      readonly free: boolean;
      readonly error?: string;
    }
  | {
      readonly kind: "artifact";
      readonly path: string;
      readonly present: boolean;
      readonly expectedDigest: string;
      readonly actualDigest?: string;
    }
  | {
      readonly kind: "parameter";
      readonly name: string;
      /** Where the value would come from (`literal`, `env:NAME`, `file:/path`); undefined when unset. */
      readonly source?: string;
      readonly resolvable: boolean;
    }
  | {
      readonly kind: "dependency";
      readonly name: string;
      readonly host: string;
      readonly port: number;
      readonly reachable: boolean;
      readonly error?: string;
    }
  | { readonly kind: "user"; readonly name: string; readonly exists: boolean };

/** One failed pre-check: which check, where, and what is wrong, in words a person can act on. */
export interface PreCheckFailure {
  readonly check: PreCheckFact["kind"];
  readonly where: string;
  readonly message: string;
}

/** The verdict over all facts: passed only when no check failed. */
export interface PreCheckReport {
  readonly passed: boolean;
  readonly checked: number;
  readonly failures: readonly PreCheckFailure[];
}

const mib = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;

/** The failure a fact describes, or undefined when it is fine. */
export function preCheckFailure(fact: PreCheckFact): PreCheckFailure | undefined {
  switch (fact.kind) {
    case "diskSpace":
      return fact.freeBytes >= fact.requiredBytes
        ? undefined
        : {
            check: fact.kind,
            where: fact.path,
            message: `${mib(fact.freeBytes)} free, ${mib(fact.requiredBytes)} required`,
          };
    case "writable":
      return fact.writable
        ? undefined
        : {
            check: fact.kind,
            where: fact.path,
            message: `not writable${fact.error ? `: ${fact.error}` : ""}`,
          };
    case "portFree":
      return fact.free
        ? undefined
        : {
            check: fact.kind,
            where: `${fact.host}:${fact.port}`,
            message: `port is in use${fact.error ? ` (${fact.error})` : ""}`,
          };
    case "artifact":
      if (!fact.present) return { check: fact.kind, where: fact.path, message: "artifact not found" };
      return fact.actualDigest === fact.expectedDigest
        ? undefined
        : {
            check: fact.kind,
            where: fact.path,
            message: `digest ${fact.actualDigest ?? "unknown"} does not match the released ${fact.expectedDigest}`,
          };
    case "parameter":
      if (fact.source === undefined)
        return {
          check: fact.kind,
          where: fact.name,
          message: "required parameter is not set in any layer (service, environment, release)",
        };
      return fact.resolvable
        ? undefined
        : { check: fact.kind, where: fact.name, message: `secret ${fact.source} cannot be read` };
    case "dependency":
      return fact.reachable
        ? undefined
        : {
            check: fact.kind,
            where: `${fact.name} (${fact.host}:${fact.port})`,
            message: `not reachable over TCP${fact.error ? `: ${fact.error}` : ""}`,
          };
    case "user":
      return fact.exists
        ? undefined
        : { check: fact.kind, where: fact.name, message: "user does not exist on this host" };
    default: {
      const never: never = fact;
      return never;
    }
  }
}

/** Judges every fact at once, so one run reports all that is wrong, not only the first. */
export function evaluatePreChecks(facts: readonly PreCheckFact[]): PreCheckReport {
  const failures = facts.map(preCheckFailure).filter((f): f is PreCheckFailure => f !== undefined);
  return { passed: failures.length === 0, checked: facts.length, failures };
}

/** One line per failure, for a step's failure message. */
export function describePreCheckFailures(report: PreCheckReport): string {
  return report.failures.map((f) => `pre-check ${f.check} failed at ${f.where}: ${f.message}`).join("\n");
}
