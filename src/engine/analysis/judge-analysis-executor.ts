/**
 * The analysis executor behind canary `runAnalysis` and `runChecks` actions (the port in
 * src/core/rollout/rollout-analysis-port.ts). An analysis is a list of Argo metrics (interval,
 * count, initialDelay, conditions, limits, dryRun: src/core/analysis/*); a metric's provider may be
 * a document provider (prometheus, http, sql, command), a builtin router series of one side, or
 * the statistical judge, which compares every baseline sample with every canary sample gathered
 * since the analysis began (builtin router series sampled between evaluations, or Prometheus
 * range queries) and whose score the conditions read. Progress lives only in the returned state.
 */
import { analysisMetricFromDocument, durationMs } from "../../core/analysis/analysis-document-schema.js";
import type { AnalysisMetricSpec } from "../../core/analysis/analysis-metric-spec.js";
import { dueMetrics, nextMeasurementAt } from "../../core/analysis/analysis-schedule.js";
import {
  type AnalysisPhase,
  type AnalysisState,
  isFinalPhase,
  startAnalysis,
} from "../../core/analysis/analysis-state.js";
import { judgeCanary } from "../../core/analysis/canary-judge.js";
import { failedMeasurement, type Measurement, measuredValue } from "../../core/analysis/measurement.js";
import type { MetricValue } from "../../core/analysis/metric-value.js";
import { recordMeasurement } from "../../core/analysis/record-measurement.js";
import { triggersFiredByAnalysis } from "../../core/analysis/rollback-trigger.js";
import { seriesValue, statsBetween } from "../../core/analysis/router-interval-value.js";
import type {
  BuiltinSeries,
  JudgeProviderDocument,
  RolloutAnalysisMetricDocument,
} from "../../core/analysis/verification-schema.js";
import { verificationOfInput } from "../../core/analysis/verification-settings.js";
import type {
  AnalysisAction,
  AnalysisProgress,
  RolloutAnalysisExecutor,
} from "../../core/rollout/rollout-analysis-port.js";
import type { Verdict } from "../../core/rollout/rollout-observation.js";
import type { StepContext } from "../../core/run/step-handler.js";
import type { VersionStats } from "../../core/traffic/version-stats.js";
import { type CheckRoundState, runCheckRound, startCheckRound } from "./check-round.js";
import { judgeConfigOf } from "./judge-config.js";
import type { VerificationPorts } from "./verification-ports.js";

type SidedSamples = {
  readonly baseline: readonly (number | null)[];
  readonly canary: readonly (number | null)[];
};

interface AnalysisExecutorState {
  readonly analysis: AnalysisState;
  /** The last router snapshot of both versions, for the next interval's samples. */
  readonly sampledAt?: number;
  readonly snapshot?: Readonly<Record<string, VersionStats>>;
  /** Builtin series samples since the analysis began, one per sampling interval. */
  readonly samples?: Readonly<Record<string, SidedSamples>>;
  /** Router snapshots at each builtin threshold metric's last measurement. */
  readonly marks?: Readonly<Record<string, Readonly<Record<string, VersionStats>>>>;
  readonly judgement?: MetricValue;
  readonly fired?: readonly string[];
}

interface ChecksExecutorState {
  readonly round: CheckRoundState;
  readonly fired?: readonly string[];
}

/** Without an `analysis` in the Release: the judge over the builtin router's error rate and p95 latency. */
export const DEFAULT_ANALYSIS_METRICS: readonly RolloutAnalysisMetricDocument[] = [
  {
    name: "canary-judge",
    provider: {
      kind: "judge",
      metrics: [
        {
          name: "error-rate",
          source: { kind: "builtin", series: "error-rate" },
          direction: "increase",
          critical: true,
        },
        { name: "latency-p95", source: { kind: "builtin", series: "latency-p95" }, direction: "increase" },
      ],
    },
  },
];

const DEFAULT_SAMPLE_EVERY_MS = 1_000;

/** The judge-based executor; `ports` carry the router, providers, checks and the trigger sink. */
export function judgeAnalysisExecutor(ports: VerificationPorts): RolloutAnalysisExecutor {
  return {
    async evaluate(ctx, service, action, previous) {
      return action.kind === "runChecks"
        ? evaluateChecks(ctx, service, action, previous as ChecksExecutorState | undefined, ports)
        : evaluateAnalysis(ctx, service, action, previous as AnalysisExecutorState | undefined, ports);
    },
  };
}

async function evaluateAnalysis(
  ctx: StepContext,
  service: string,
  action: Extract<AnalysisAction, { kind: "runAnalysis" }>,
  previous: AnalysisExecutorState | undefined,
  ports: VerificationPorts,
): Promise<AnalysisProgress> {
  const settings = verificationOfInput(ctx.input);
  const documents = settings.analysis?.metrics ?? DEFAULT_ANALYSIS_METRICS;
  const specs = documents.map((d) => specOf(d, action));
  const now = ctx.now().getTime();
  let state: AnalysisExecutorState = previous ?? { analysis: startAnalysis(specs, now) };
  if (isFinalPhase(state.analysis.phase)) return progressOf(state, specs, documents, undefined);

  const versions = { baseline: action.baseline, canary: action.canary };
  const builtinSeries = seriesSampled(documents);
  const sampleEvery = sampleEveryMs(documents);
  const needsRouter = builtinSeries.length > 0 || documents.some((d) => d.provider.kind === "builtin");
  let routerProblem: string | undefined;
  if (needsRouter) {
    if (ports.routerStats === undefined) routerProblem = "no builtin router is wired into this engine";
    else if (state.sampledAt === undefined || now - state.sampledAt >= sampleEvery * 0.9) {
      try {
        const all = await ports.routerStats(service, ctx.environment);
        const snapshot = pick(all, [versions.baseline, versions.canary]);
        state = { ...sampled(state, snapshot, builtinSeries, versions), sampledAt: now, snapshot };
      } catch (error) {
        routerProblem = `the builtin router of ${service} did not answer: ${(error as Error).message}`;
      }
    }
  }

  for (const name of dueMetrics(specs, state.analysis, now)) {
    const index = specs.findIndex((s) => s.name === name);
    const spec = specs[index] as AnalysisMetricSpec;
    const document = documents[index] as RolloutAnalysisMetricDocument;
    const started = ctx.now().getTime();
    let measurement: Measurement;
    try {
      if (routerProblem !== undefined && usesRouter(document)) throw new Error(routerProblem);
      const { value, update } = await measure(ctx, service, document, state, versions, ports);
      state = { ...state, ...update };
      measurement = measuredValue(spec, value, started, ctx.now().getTime());
    } catch (error) {
      if (ctx.abort.aborted) throw error;
      measurement = failedMeasurement((error as Error).message, started, ctx.now().getTime());
    }
    state = { ...state, analysis: recordMeasurement(specs, state.analysis, name, measurement) };
  }

  let nextAt = nextMeasurementAt(specs, state.analysis);
  if (!isFinalPhase(state.analysis.phase) && builtinSeries.length > 0)
    nextAt = Math.min(nextAt ?? Number.POSITIVE_INFINITY, now + sampleEvery);
  let fired: string | undefined;
  if (isFinalPhase(state.analysis.phase) && state.fired === undefined) {
    const triggers = triggersFiredByAnalysis(
      settings.triggers,
      state.analysis.phase,
      state.analysis.message,
      {
        judgement: state.judgement ?? null,
      },
    );
    if (triggers.length > 0 && ports.fireTrigger !== undefined) {
      const first = triggers.find((t) => t.action === "rollback") ?? triggers[0];
      if (first !== undefined) {
        state = { ...state, fired: [first.trigger] };
        await ports.fireTrigger(ctx, first);
        fired = first.action === "pause" ? "pause" : "rollback";
      }
    } else state = { ...state, fired: [] };
  }
  return progressOf(state, specs, documents, nextAt, fired);
}

/** A document metric as the analysis core's spec, the action's interval and count standing in for missing ones. */
function specOf(
  document: RolloutAnalysisMetricDocument,
  action: Extract<AnalysisAction, { kind: "runAnalysis" }>,
): AnalysisMetricSpec {
  const { provider: _provider, ...rest } = document;
  const judge = document.provider.kind === "judge" ? document.provider : undefined;
  return analysisMetricFromDocument({
    ...rest,
    provider: { kind: "command", command: "unused" },
    interval: document.interval ?? `${action.intervalSeconds}s`,
    // The judge needs an interval of samples before its first measurement (Kayenta judges
    // intervals of data); Argo's default of measuring at once would judge nothing.
    ...(judge !== undefined && document.initialDelay === undefined
      ? { initialDelay: document.interval ?? `${action.intervalSeconds}s` }
      : {}),
    count: document.count ?? action.count,
    ...(judge !== undefined &&
    document.successCondition === undefined &&
    document.failureCondition === undefined
      ? {
          successCondition: `result.score >= ${judge.pass ?? 95}`,
          failureCondition: `result.score < ${judge.marginal ?? 75}`,
        }
      : {}),
  });
}

function usesRouter(document: RolloutAnalysisMetricDocument): boolean {
  const p = document.provider;
  return p.kind === "builtin" || (p.kind === "judge" && p.metrics.some((m) => m.source.kind === "builtin"));
}

function seriesSampled(documents: readonly RolloutAnalysisMetricDocument[]): BuiltinSeries[] {
  const series = new Set<BuiltinSeries>();
  for (const d of documents)
    if (d.provider.kind === "judge")
      for (const m of d.provider.metrics) if (m.source.kind === "builtin") series.add(m.source.series);
  return [...series];
}

function sampleEveryMs(documents: readonly RolloutAnalysisMetricDocument[]): number {
  const given = documents.flatMap((d) =>
    d.provider.kind === "judge" && d.provider.sampleEvery !== undefined
      ? [durationMs(d.provider.sampleEvery) ?? 0]
      : [],
  );
  return given.length > 0 ? Math.max(100, Math.min(...given)) : DEFAULT_SAMPLE_EVERY_MS;
}

function pick(
  all: Readonly<Record<string, VersionStats>>,
  versions: readonly string[],
): Record<string, VersionStats> {
  const out: Record<string, VersionStats> = {};
  for (const v of versions) {
    const s = all[v];
    if (s !== undefined) out[v] = s;
  }
  return out;
}

/** Appends one sample per series and side for the interval since the last snapshot. */
function sampled(
  state: AnalysisExecutorState,
  snapshot: Readonly<Record<string, VersionStats>>,
  series: readonly BuiltinSeries[],
  versions: { readonly baseline: string; readonly canary: string },
): AnalysisExecutorState {
  const last = state.snapshot;
  if (last === undefined) return state;
  const value = (s: BuiltinSeries, version: string) => {
    const a = last[version];
    const b = snapshot[version];
    if (a === undefined || b === undefined) return null;
    const between = statsBetween(a, b);
    return between === undefined ? null : seriesValue(s, between);
  };
  const samples: Record<string, SidedSamples> = { ...(state.samples ?? {}) };
  for (const s of series) {
    const before = samples[s] ?? { baseline: [], canary: [] };
    samples[s] = {
      baseline: [...before.baseline, value(s, versions.baseline)],
      canary: [...before.canary, value(s, versions.canary)],
    };
  }
  return { ...state, samples };
}

/** One measurement of a metric: its value for the conditions, and what the state keeps of it. */
async function measure(
  ctx: StepContext,
  service: string,
  document: RolloutAnalysisMetricDocument,
  state: AnalysisExecutorState,
  versions: { readonly baseline: string; readonly canary: string },
  ports: VerificationPorts,
): Promise<{ value: MetricValue; update: Partial<AnalysisExecutorState> }> {
  const provider = document.provider;
  switch (provider.kind) {
    case "judge": {
      const value = await judged(ctx, service, provider, state, versions, ports);
      return { value, update: { judgement: value } };
    }
    case "builtin": {
      const version = provider.side === "baseline" ? versions.baseline : versions.canary;
      const mark = state.marks?.[document.name]?.[version];
      const current = state.snapshot?.[version];
      const marks = { ...(state.marks ?? {}), [document.name]: state.snapshot ?? {} };
      if (current === undefined)
        throw new Error(`the builtin router has seen no request for ${service} ${version}`);
      const between = mark === undefined ? current : statsBetween(mark, current);
      const value = between === undefined ? null : seriesValue(provider.series, between);
      if (value === null) throw new Error(`no request reached ${service} ${version} during the interval`);
      return { value, update: { marks } };
    }
    default: {
      if (ports.createMetricProvider === undefined)
        throw new Error("no metric providers are wired into this engine");
      const value = await ports.createMetricProvider(provider).measure({
        args: { service, version: versions.canary, canary: versions.canary, baseline: versions.baseline },
        signal: ctx.abort,
      });
      return { value, update: {} };
    }
  }
}

/** The judge over every sample since the analysis began; its result is what the conditions read. */
async function judged(
  ctx: StepContext,
  service: string,
  provider: JudgeProviderDocument,
  state: AnalysisExecutorState,
  versions: { readonly baseline: string; readonly canary: string },
  ports: VerificationPorts,
): Promise<MetricValue> {
  const baseline: Record<string, readonly (number | null)[]> = {};
  const canary: Record<string, readonly (number | null)[]> = {};
  const now = ctx.now().getTime();
  for (const metric of provider.metrics) {
    const source = metric.source;
    if (source.kind === "builtin") {
      const s = state.samples?.[source.series];
      baseline[metric.name] = s?.baseline ?? [];
      canary[metric.name] = s?.canary ?? [];
      continue;
    }
    if (ports.createSampleSource === undefined)
      throw new Error("no Prometheus sample source is wired into this engine");
    const range = ports.createSampleSource(source);
    const window = { start: state.analysis.startedAt, end: now, stepMs: durationMs(source.step) ?? 1_000 };
    const args = (version: string) => ({ args: { service, version }, signal: ctx.abort });
    [baseline[metric.name], canary[metric.name]] = await Promise.all([
      range.samples(window, args(versions.baseline)),
      range.samples(window, args(versions.canary)),
    ]);
  }
  const config = judgeConfigOf(provider.metrics, provider);
  const judgement =
    ports.judge === undefined
      ? judgeCanary(config, baseline, canary)
      : await ports.judge(config, baseline, canary);
  const value: MetricValue = {
    score: judgement.score,
    verdict: judgement.verdict,
    reason: judgement.reason,
    metrics: Object.fromEntries(
      judgement.metrics.map((m) => [
        m.name,
        m.kind === "compared"
          ? {
              classification: m.classification,
              estimate: m.estimate,
              ci: [m.ci[0], m.ci[1]],
              pValue: m.pValue,
              baseline: m.baseline.size,
              canary: m.canary.size,
              reason: m.reason,
            }
          : {
              classification: m.classification,
              baseline: m.baseline.size,
              canary: m.canary.size,
              reason: m.reason,
            },
      ]),
    ),
  } as { readonly [key: string]: MetricValue };
  return value;
}

const VERDICT: Partial<Record<AnalysisPhase, Verdict>> = {
  Successful: "success",
  Failed: "failure",
  Error: "failure",
  Inconclusive: "inconclusive",
};

function progressOf(
  state: AnalysisExecutorState,
  specs: readonly AnalysisMetricSpec[],
  documents: readonly RolloutAnalysisMetricDocument[],
  nextAt: number | undefined,
  fired?: string,
): AnalysisProgress {
  const a = state.analysis;
  const phase = a.phase;
  // A `pause` trigger turns a failed analysis into a question for a person, like Inconclusive.
  const verdict = fired === "pause" ? "inconclusive" : VERDICT[phase];
  const counts = a.metrics
    .map((m) => {
      const spec = specs.find((s) => s.name === m.name);
      const wanted = spec?.count ?? "∞";
      const last = m.measurements.at(-1);
      return `${m.name} ${m.phase}${last ? ` (${describe(last.value)})` : ""} ${m.count}/${wanted}`;
    })
    .join(", ");
  const message = `analysis ${phase}${a.message ? `: ${a.message}` : ""} — ${counts}`;
  return {
    ...(verdict !== undefined ? { verdict } : {}),
    ...(verdict === undefined && nextAt !== undefined ? { nextAt: new Date(nextAt) } : {}),
    message,
    evidence: {
      phase,
      message: a.message,
      metrics: a.metrics.map((m) => ({
        name: m.name,
        phase: m.phase,
        dryRun: m.dryRun,
        count: m.count,
        failed: m.failed,
        inconclusive: m.inconclusive,
        error: m.error,
        message: m.message,
        last: m.measurements.at(-1)?.value ?? null,
      })),
      providers: documents.map((d) => ({ name: d.name, provider: d.provider.kind })),
      ...(state.judgement !== undefined ? { judgement: state.judgement } : {}),
    },
    state: state as unknown as Record<string, unknown>,
  };
}

function describe(value: MetricValue): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "score" in value)
    return `score ${String(value.score)} ${String(value.verdict)}`;
  if (typeof value === "number") return String(Number(value.toPrecision(4)));
  return JSON.stringify(value);
}

async function evaluateChecks(
  ctx: StepContext,
  service: string,
  action: Extract<AnalysisAction, { kind: "runChecks" }>,
  previous: ChecksExecutorState | undefined,
  ports: VerificationPorts,
): Promise<AnalysisProgress> {
  const settings = verificationOfInput(ctx.input);
  const known = settings.checks.map((c) => c.name);
  const unknown = action.checks.filter((n) => !known.includes(n));
  const now = ctx.now().getTime();
  const state = previous ?? { round: startCheckRound(now) };
  if (unknown.length > 0)
    return {
      verdict: "failure",
      message: `checks ${unknown.map((n) => `"${n}"`).join(", ")} are not in the Release's checks for ${service} (known: ${known.join(", ") || "none"})`,
      state: state as unknown as Record<string, unknown>,
    };
  const entries = settings.checks.filter((c) => action.checks.includes(c.name));
  const round = await runCheckRound(
    ctx,
    entries,
    settings.triggers,
    ports,
    {
      service,
      environment: ctx.environment,
      version: action.version,
      previousVersion: undefined,
      startedAt: state.round.startedAt,
    },
    state.round,
  );
  const fired = round.fired.find((f) => f.action === "rollback") ?? round.fired[0];
  const next: ChecksExecutorState = { round: round.state, ...(fired ? { fired: [fired.trigger] } : {}) };
  if (fired !== undefined && ports.fireTrigger !== undefined && previous?.fired === undefined) {
    await ports.fireTrigger(ctx, fired);
    return {
      verdict: fired.action === "pause" ? "inconclusive" : "failure",
      message: `trigger "${fired.trigger}" fired: ${fired.reason}`,
      evidence: { trigger: fired.trigger, ...fired.evidence },
      state: next as unknown as Record<string, unknown>,
    };
  }
  const evidence = Object.fromEntries(entries.map((e) => [e.name, round.state.checks[e.name] ?? null]));
  return {
    ...(round.verdict !== undefined ? { verdict: round.verdict === "passed" ? "success" : "failure" } : {}),
    ...(round.verdict === undefined && round.nextAt !== undefined ? { nextAt: new Date(round.nextAt) } : {}),
    message: round.message,
    evidence,
    state: next as unknown as Record<string, unknown>,
  };
}
