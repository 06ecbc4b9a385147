/**
 * Runs one Release check once, whatever its kind: the document checks through their adapters,
 * and the checks that need the engine itself — infrastructure (instances' /proc or Prometheus),
 * the manual checklist (ticks people gave), and before/after baselines (the judge over Prometheus
 * history). Never throws for a problem of the check: that is an `error` outcome with its reason.
 */

import { durationMs } from "../../core/analysis/analysis-document-schema.js";
import { beforeAfterWindows, judgeBeforeAfter } from "../../core/analysis/before-after-baseline.js";
import type { CheckOutcome } from "../../core/analysis/check-outcome.js";
import { checklistStatus, describeFailedTicks } from "../../core/analysis/checklist-status.js";
import { assessInfrastructure } from "../../core/analysis/infrastructure-assessment.js";
import type { ProcessSample } from "../../core/analysis/process-sample.js";
import type {
  BeforeAfterCheckDocument,
  InfrastructureCheckDocument,
  ManualChecklistDocument,
  ReleaseCheckDocument,
} from "../../core/analysis/verification-schema.js";
import type { StepContext } from "../../core/run/step-handler.js";
import { judgeConfigOf } from "./judge-config.js";
import { abortableSleep, type VerificationPorts } from "./verification-ports.js";

export type CheckRunResult =
  | CheckOutcome
  | { readonly kind: "waiting"; readonly message: string; readonly until?: number };

/** Who and what is verified: the service, its new and previous version, when verification began. */
export interface VerificationTarget {
  readonly service: string;
  readonly environment: string;
  readonly version: string | undefined;
  readonly previousVersion: string | undefined;
  /** Epoch ms the verification of this step began (the end of the deploy). */
  readonly startedAt: number;
}

/** One run of a Release check. */
export async function runVerificationCheck(
  ctx: StepContext,
  entry: ReleaseCheckDocument,
  ports: VerificationPorts,
  target: VerificationTarget,
): Promise<CheckRunResult> {
  const check = entry.check;
  try {
    switch (check.kind) {
      case "synthetic-http":
      case "rabbitmq-queue":
      case "nats-consumer":
      case "redis-length":
      case "sql-integrity":
      case "metric": {
        if (ports.createCheck === undefined)
          return missing(entry, "no check adapters are wired into this engine");
        return await ports.createCheck(check).run(ctx.abort);
      }
      case "infrastructure":
        return await runInfrastructure(ctx, entry.name, check, ports, target);
      case "manual-checklist":
        return await runChecklist(ctx, entry.name, check, ports);
      case "before-after":
        return await runBeforeAfter(ctx, entry.name, check, ports, target);
      default:
        return assertNever(check);
    }
  } catch (error) {
    if (ctx.abort.aborted) throw error;
    return { kind: "error", message: `${entry.name}: ${(error as Error).message}`, evidence: {} };
  }
}

function missing(entry: ReleaseCheckDocument, what: string): CheckOutcome {
  return { kind: "error", message: `${entry.name} (${entry.check.kind}): ${what}`, evidence: {} };
}

async function runChecklist(
  ctx: StepContext,
  name: string,
  check: ManualChecklistDocument,
  ports: VerificationPorts,
): Promise<CheckRunResult> {
  if (ports.checklistTicks === undefined)
    return { kind: "error", message: `${name}: checklists need the store`, evidence: {} };
  const status = checklistStatus(check.items, await ports.checklistTicks(ctx.runId, ctx.key));
  const evidence = Object.fromEntries(
    status.ticks.map((t) => [t.item, `${t.result} by ${t.by}${t.note ? `: ${t.note}` : ""}`]),
  );
  switch (status.kind) {
    case "waiting":
      return {
        kind: "waiting",
        message: `${name}: waiting for ${status.pending.length} of ${check.items.length} checklist items (upshift checklist tick ${ctx.runId} --step ${ctx.key} --item N --pass|--fail)`,
      };
    case "failed":
      return { kind: "failed", message: `${name}: ${describeFailedTicks(status.failed)}`, evidence };
    case "passed":
      return { kind: "passed", message: `${name}: all ${check.items.length} items passed`, evidence };
    default:
      return assertNever(status);
  }
}

async function runInfrastructure(
  ctx: StepContext,
  name: string,
  check: InfrastructureCheckDocument,
  ports: VerificationPorts,
  target: VerificationTarget,
): Promise<CheckRunResult> {
  const windowMs = durationMs(check.window) ?? 10_000;
  const intervalMs = Math.min(windowMs, durationMs(check.interval) ?? 1_000);
  const sleep = ports.sleep ?? abortableSleep;
  const byInstance: Record<string, ProcessSample[]> = {};
  const append = (id: string, sample: ProcessSample) => {
    byInstance[id] = [...(byInstance[id] ?? []), sample];
  };
  const reading = check.prometheus === undefined ? readLocal : readPrometheus;
  const end = ctx.now().getTime() + windowMs;
  for (;;) {
    const at = ctx.now().getTime();
    const problem = await reading(at);
    if (problem !== undefined) return { kind: "error", message: `${name}: ${problem}`, evidence: {} };
    if (at >= end || ctx.abort.aborted) break;
    await sleep(Math.min(intervalMs, end - at), ctx.abort);
  }
  return assessInfrastructure(name, byInstance, {
    cpuPercent: check.cpuPercent,
    memoryBytes: check.memoryBytes,
    openFiles: check.openFiles,
    restarts: check.restarts,
    leak: check.leak,
  });

  async function readLocal(at: number): Promise<string | undefined> {
    if (ports.instances === undefined || ports.readProcess === undefined)
      return "reading instances needs the process driver; for other drivers set `prometheus` queries";
    const instances = (await ports.instances(target.service, target.environment)).filter(
      (i) => i.health !== "gone" && (target.version === undefined || i.version === target.version),
    );
    if (instances.length === 0)
      return `no running instance of ${target.service}${target.version ? ` ${target.version}` : ""}`;
    for (const i of instances) {
      const id = `${i.slot}/${i.index}`;
      const sample = i.pid === undefined ? null : await ports.readProcess(i.pid, id, at);
      append(
        id,
        sample ?? {
          instance: id,
          pid: i.pid ?? null,
          at,
          cpuSeconds: null,
          memoryBytes: null,
          openFiles: null,
        },
      );
    }
    return undefined;
  }

  async function readPrometheus(at: number): Promise<string | undefined> {
    const settings = check.prometheus;
    if (settings === undefined || ports.createMetricProvider === undefined)
      return "no metric providers are wired into this engine";
    const args = { service: target.service, version: target.version ?? "", environment: target.environment };
    const values: Record<string, (number | null)[]> = {};
    for (const quantity of ["cpuPercent", "memoryBytes", "openFiles", "restarts"] as const) {
      const query = settings[quantity];
      if (query === undefined) continue;
      const value = await ports
        .createMetricProvider({ kind: "prometheus", address: settings.address, query })
        .measure({ args, signal: ctx.abort });
      const list = Array.isArray(value) ? value : [value];
      values[quantity] = list.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null));
    }
    const series = Math.max(0, ...Object.values(values).map((v) => v.length));
    for (let s = 0; s < series; s++) {
      const id = `series ${s}`;
      append(id, {
        instance: id,
        pid: null,
        at,
        cpuSeconds: null,
        cpuPercent: values.cpuPercent?.[s] ?? null,
        memoryBytes: values.memoryBytes?.[s] ?? null,
        openFiles: values.openFiles?.[s] ?? null,
        restarts: values.restarts?.[s] ?? null,
      });
    }
    return series === 0 ? "the Prometheus queries returned no series" : undefined;
  }
}

async function runBeforeAfter(
  ctx: StepContext,
  name: string,
  check: BeforeAfterCheckDocument,
  ports: VerificationPorts,
  target: VerificationTarget,
): Promise<CheckRunResult> {
  const windowMs = durationMs(check.window) ?? 60_000;
  const now = ctx.now().getTime();
  const due = target.startedAt + windowMs;
  if (now < due)
    return {
      kind: "waiting",
      message: `${name}: measuring ${windowMs / 1000} s after the deploy before judging`,
      until: due,
    };
  const sourceOf = ports.createSampleSource;
  if (sourceOf === undefined)
    return { kind: "error", message: `${name}: no sample sources are wired`, evidence: {} };
  const windows = beforeAfterWindows(target.startedAt, target.startedAt + windowMs);
  const before: Record<string, (number | null)[]> = {};
  const after: Record<string, (number | null)[]> = {};
  for (const metric of check.metrics) {
    if (metric.source.kind !== "prometheus")
      return {
        kind: "error",
        message: `${name}: metric "${metric.name}" needs history before the deploy: use a prometheus source (the builtin router keeps none)`,
        evidence: {},
      };
    const source = sourceOf(metric.source);
    const stepMs = durationMs(metric.source.step) ?? 1_000;
    const args = (version: string | undefined) => ({ service: target.service, version: version ?? "" });
    before[metric.name] = [
      ...(await source.samples(
        { ...windows.before, stepMs },
        { args: args(target.previousVersion), signal: ctx.abort },
      )),
    ];
    after[metric.name] = [
      ...(await source.samples(
        { ...windows.after, stepMs },
        { args: args(target.version), signal: ctx.abort },
      )),
    ];
  }
  const { judgement } = judgeBeforeAfter(judgeConfigOf(check.metrics, check), windows, before, after);
  const evidence = {
    score: judgement.score,
    verdict: judgement.verdict,
    metrics: judgement.metrics.map((m) =>
      m.kind === "compared"
        ? `${m.name}: ${m.classification} estimate ${m.estimate} ci [${m.ci[0]}, ${m.ci[1]}] n ${m.baseline.size}/${m.canary.size}`
        : `${m.name}: Nodata`,
    ),
  };
  const message = `${name}: before/after ${judgement.verdict} (score ${judgement.score}): ${judgement.reason}`;
  return judgement.verdict === "Fail"
    ? { kind: "failed", message, evidence }
    : { kind: "passed", message, evidence };
}

function assertNever(value: never): never {
  throw new Error(`unknown check ${JSON.stringify(value)}`);
}
