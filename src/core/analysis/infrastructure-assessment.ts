/**
 * Judges an instance's samples over a window: CPU (from the growth of CPU time), resident memory,
 * open files, restarts (a new pid for the same instance, or the source's own count) and a memory
 * leak (memory-leak.ts). Every bound that is crossed is named with its numbers.
 */
import type { Bound } from "./check-bounds.js";
import { checkBounds } from "./check-bounds.js";
import type { CheckEvidence, CheckOutcome } from "./check-outcome.js";
import { assessMemoryLeak, type LeakBound } from "./memory-leak.js";
import type { ProcessSample } from "./process-sample.js";

export interface InfrastructureBounds {
  readonly cpuPercent?: Bound | undefined;
  readonly memoryBytes?: Bound | undefined;
  readonly openFiles?: Bound | undefined;
  readonly restarts?: Bound | undefined;
  readonly leak?: LeakBound | undefined;
}

/** Per instance, the figures a check compares with its bounds. */
export interface InstanceFigures {
  readonly instance: string;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  readonly openFiles: number;
  readonly restarts: number;
  readonly memorySlope: number | null;
}

/** The figures of one instance from its samples, oldest first; NaN where nothing was measured. */
export function instanceFigures(samples: readonly ProcessSample[]): InstanceFigures {
  const first = samples[0];
  const last = samples.at(-1);
  const max = (pick: (s: ProcessSample) => number | null | undefined) => {
    const values = samples.map(pick).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return values.length === 0 ? Number.NaN : Math.max(...values);
  };
  let cpuPercent = max((s) => s.cpuPercent);
  // CPU time grows by at most 1 s per second per core: percent of one core over the window.
  if (Number.isNaN(cpuPercent) && first && last && last.at > first.at) {
    const samePid = samples.filter((s) => s.pid === last.pid && s.cpuSeconds !== null);
    const a = samePid[0];
    const b = samePid.at(-1);
    if (a && b && b.at > a.at)
      cpuPercent = (((b.cpuSeconds ?? 0) - (a.cpuSeconds ?? 0)) * 100_000) / (b.at - a.at);
  }
  let pidChanges = 0;
  for (let i = 1; i < samples.length; i++) {
    const p = samples[i - 1]?.pid;
    const q = samples[i]?.pid;
    if (p !== null && q !== null && p !== undefined && q !== undefined && p !== q) pidChanges++;
  }
  const counted = max((s) => s.restarts);
  return {
    instance: first?.instance ?? "",
    cpuPercent,
    memoryBytes: max((s) => s.memoryBytes),
    openFiles: max((s) => s.openFiles),
    restarts: Number.isNaN(counted) ? pidChanges : counted,
    memorySlope: null,
  };
}

/** One outcome for every instance's samples against the bounds (the worst instance decides). */
export function assessInfrastructure(
  subject: string,
  byInstance: Readonly<Record<string, readonly ProcessSample[]>>,
  bounds: InfrastructureBounds,
): CheckOutcome {
  const instances = Object.keys(byInstance).sort();
  if (instances.length === 0)
    return { kind: "error", message: `${subject}: no instances to measure`, evidence: {} };
  const evidence: Record<string, CheckEvidence[string]> = {};
  const failures: string[] = [];
  const errors: string[] = [];
  const passes: string[] = [];
  for (const instance of instances) {
    const samples = byInstance[instance] ?? [];
    const figures = instanceFigures(samples);
    const observed: Record<string, number> = {
      cpuPercent: round(figures.cpuPercent),
      memoryBytes: figures.memoryBytes,
      openFiles: figures.openFiles,
      restarts: figures.restarts,
    };
    const wanted: Record<string, Bound> = {};
    for (const key of ["cpuPercent", "memoryBytes", "openFiles", "restarts"] as const) {
      const b = bounds[key];
      if (b !== undefined) wanted[key] = b;
    }
    const outcome = checkBounds(`instance ${instance}`, observed, wanted);
    const leakEvidence: Record<string, number | string> = {};
    if (bounds.leak !== undefined) {
      const memory = samples
        .filter((s) => s.memoryBytes !== null && s.pid === samples.at(-1)?.pid)
        .map((s) => ({ at: s.at, value: s.memoryBytes as number }));
      const leak = assessMemoryLeak(memory, bounds.leak);
      if (leak.kind === "too-few-points") {
        leakEvidence.leak = `${leak.points} of ${leak.needed} points`;
        errors.push(`instance ${instance}: memory slope needs ${leak.needed} samples, got ${leak.points}`);
      } else {
        leakEvidence.memoryBytesPerSecond = round(leak.bytesPerSecond);
        if (leak.kind === "leak")
          failures.push(
            `instance ${instance}: memory grows ${round(leak.bytesPerSecond)} B/s > ${leak.bound} B/s over ${leak.points} samples (leak)`,
          );
      }
    }
    evidence[instance] = { ...observed, ...leakEvidence, samples: samples.length };
    if (outcome.kind === "failed") failures.push(outcome.message);
    else if (outcome.kind === "error") errors.push(outcome.message);
    else passes.push(outcome.message);
  }
  if (failures.length > 0) return { kind: "failed", message: `${subject}: ${failures.join("; ")}`, evidence };
  if (errors.length > 0) return { kind: "error", message: `${subject}: ${errors.join("; ")}`, evidence };
  return { kind: "passed", message: `${subject}: ${passes.join("; ")}`, evidence };
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);
