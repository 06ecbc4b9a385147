import { durationSeconds } from "../documents/duration.js";
import type { ServiceSpec } from "../documents/kinds/service.js";
import { DEFAULT_PROBE, type HealthProbe } from "./health-probe.js";

type ProbeSpec = NonNullable<NonNullable<ServiceSpec["probes"]>["readiness"]>;

const ms = (d: string | undefined, fallback: number) =>
  d === undefined ? fallback : durationSeconds(d) * 1000;

/** The readiness probe a Service declares, with defaults for what it leaves out (TCP on the port). */
export function probeFromService(spec: ProbeSpec | undefined): HealthProbe {
  if (spec === undefined) return DEFAULT_PROBE;
  const check: HealthProbe["check"] =
    spec.http !== undefined
      ? { kind: "http", path: spec.http.path }
      : spec.command !== undefined
        ? { kind: "command", command: spec.command }
        : { kind: "tcp" };
  return {
    check,
    initialDelayMs: ms(spec.initialDelay, DEFAULT_PROBE.initialDelayMs),
    periodMs: ms(spec.period, DEFAULT_PROBE.periodMs),
    timeoutMs: ms(spec.timeout, DEFAULT_PROBE.timeoutMs),
    failureThreshold: spec.failureThreshold ?? DEFAULT_PROBE.failureThreshold,
  };
}
