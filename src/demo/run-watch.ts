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
