/** How to ask an instance whether it serves. Times are milliseconds. */
export interface HealthProbe {
  readonly check:
    | { readonly kind: "http"; readonly path: string }
    | { readonly kind: "tcp" }
    | { readonly kind: "command"; readonly command: readonly string[] };
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  /** Consecutive failures after which the instance counts as unhealthy. */
  readonly failureThreshold: number;
}

/** Defaults close to Kubernetes' probe defaults, scaled down for local processes. */
export const DEFAULT_PROBE: HealthProbe = {
  check: { kind: "tcp" },
  initialDelayMs: 0,
  periodMs: 200,
  timeoutMs: 1000,
  failureThreshold: 50,
};

/** Where a sequence of probe results leaves an instance (Kubernetes probe semantics). */
export type ProbeVerdict = "healthy" | "starting" | "unhealthy";

/** Healthy on the first success; unhealthy after `failureThreshold` consecutive failures. */
export function probeVerdict(results: readonly boolean[], failureThreshold: number): ProbeVerdict {
  let failures = 0;
  for (const ok of results) {
    if (ok) return "healthy";
    failures++;
    if (failures >= failureThreshold) return "unhealthy";
  }
  return "starting";
}
