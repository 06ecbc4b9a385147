import { callApi, type DemoServer } from "./demo-server.js";

/** A run's status as `GET /v1/runs/{id}` answers it (the fields the demo reads). */
export interface RunStatus {
  readonly id: string;
  readonly phase: string;
  readonly message: string | null;
  readonly steps: readonly {
    readonly id: string;
    readonly kind: string;
    readonly service: string | null;
    readonly state: string;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly message: string | null;
  }[];
}

/** Starts a run of `release` in `environment` and returns its id. */
export async function startRun(server: DemoServer, release: string, environment: string): Promise<string> {
  const run = await callApi<{ id: string }>(server, "POST", "/v1/runs", {
    contentType: "application/json",
    payload: JSON.stringify({ release, environment }),
  });
  return run.id;
}

export const getRun = (server: DemoServer, id: string) =>
  callApi<RunStatus>(server, "GET", `/v1/runs/${encodeURIComponent(id)}`);

/**
 * Whether the run will do nothing more: a terminal phase, or Failed with no step running (the
 * engine starts nothing new in a failed run; steps that were waiting stay where they are).
 */
export function runSettled(run: RunStatus): boolean {
  if (run.phase === "Succeeded" || run.phase === "RolledBack" || run.phase === "Aborted") return true;
  return run.phase === "Failed" && !run.steps.some((s) => s.state === "running");
}

/** The rollout step of a service, as a short line for the live view. */
export function rolloutStatus(run: RunStatus | undefined, service: string): string {
  const step = run?.steps.find((s) => s.kind === "rollout" && s.service === service);
  if (step === undefined) return "-";
  const message = (step.message ?? "").split("\n")[0];
  return message ? `${step.state}: ${message}` : step.state;
}

/** One analysis of a rollout as its checkpoint keeps it (GET /v1/runs/{id}/rollouts). */
interface AnalysisReport {
  readonly message?: string;
  readonly evidence?: {
    readonly judgement?: { readonly metrics?: Readonly<Record<string, { readonly reason?: string }>> };
  };
}

/**
 * Lines explaining each analysis of a service's rollout: the verdict, and for the judge each
 * metric's classification with its reason (estimate, interval, samples).
 */
export async function analysisVerdicts(
  server: DemoServer,
  runId: string,
  service: string,
): Promise<string[]> {
  const { items } = await callApi<{
    items: { service: string | null; analysisReports?: Record<string, AnalysisReport> }[];
  }>(server, "GET", `/v1/runs/${encodeURIComponent(runId)}/rollouts`);
  const lines: string[] = [];
  for (const item of items.filter((i) => i.service === service))
    for (const [id, report] of Object.entries(item.analysisReports ?? {})) {
      lines.push(`${id}: ${report.message ?? "(no message)"}`);
      for (const [metric, verdict] of Object.entries(report.evidence?.judgement?.metrics ?? {}))
        lines.push(`  ${metric}: ${verdict.reason ?? ""}`);
    }
  return lines;
}
