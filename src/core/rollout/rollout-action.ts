/**
 * What sends a request to a tester route: a request header (name matched case-insensitively) or a
 * cookie (name matched exactly). Exactly one of the two.
 */
export type TesterMatch =
  | { readonly header: string; readonly cookie?: undefined }
  | { readonly cookie: string; readonly header?: undefined };

/** The router's wording of a tester match: `{kind, name}`. */
export function routeMatch(m: TesterMatch): { readonly kind: "header" | "cookie"; readonly name: string } {
  return m.cookie !== undefined ? { kind: "cookie", name: m.cookie } : { kind: "header", name: m.header };
}

/** True when two tester matches are the same header or the same cookie. */
export function sameMatch(a: TesterMatch, b: TesterMatch): boolean {
  return a.header === b.header && a.cookie === b.cookie;
}

/** Traffic shares by version, in percent; a version left out gets none. */
export type Weights = Readonly<Record<string, number>>;

/**
 * What a strategy asks the rollout handler to do, as data. `id` is stable for one step of one
 * rollout, so the handler derives its idempotency key from it and a repeat after a crash is a no-op.
 */
export type RolloutAction =
  | {
      readonly kind: "deploy";
      readonly id: string;
      readonly version: string;
      readonly slot: string;
      readonly replicas: number;
    }
  | { readonly kind: "scale"; readonly id: string; readonly slot: string; readonly replicas: number }
  | { readonly kind: "retire"; readonly id: string; readonly slot: string }
  | { readonly kind: "setWeights"; readonly id: string; readonly weights: Weights }
  | ({
      readonly kind: "setHeaderRoute";
      readonly id: string;
      readonly value: string;
      readonly version: string;
    } & TesterMatch)
  | { readonly kind: "clearHeaderRoute"; readonly id: string }
  | {
      readonly kind: "runAnalysis";
      readonly id: string;
      readonly intervalSeconds: number;
      readonly count: number;
      readonly baseline: string;
      readonly canary: string;
    }
  | {
      readonly kind: "runChecks";
      readonly id: string;
      readonly checks: readonly string[];
      readonly version: string;
    }
  /** Nothing to do until `until` (ISO time), a signal, or the next observation, whichever comes first. */
  | {
      readonly kind: "wait";
      readonly id: string;
      readonly until?: string;
      readonly forSignal?: "promote";
      readonly reason: string;
    };

/** True when two weight maps send the same share to every version (absent means 0). */
export function sameWeights(a: Weights | undefined, b: Weights): boolean {
  if (a === undefined) return false;
  const versions = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const v of versions) if ((a[v] ?? 0) !== (b[v] ?? 0)) return false;
  return true;
}
