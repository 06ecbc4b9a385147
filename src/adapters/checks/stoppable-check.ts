import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";

/**
 * A check that answers as soon as its step's signal aborts (the run was canceled or stopped),
 * whether or not its adapter listens to the signal: a client library waiting for a silent broker
 * would otherwise hold the step until its own connect timeout. An adapter that ignores the signal
 * finishes, and closes what it opened, in the background.
 */
export function stoppable(check: Check): Check {
  return {
    kind: check.kind,
    name: check.name,
    run(signal?: AbortSignal): Promise<CheckOutcome> {
      if (signal?.aborted) return Promise.resolve(stopped(check, signal));
      const running = check.run(signal);
      if (signal === undefined) return running;
      return new Promise<CheckOutcome>((resolve, reject) => {
        const onAbort = () => {
          running.catch(() => {});
          resolve(stopped(check, signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        running.then(
          (outcome) => {
            signal.removeEventListener("abort", onAbort);
            resolve(outcome);
          },
          (error: unknown) => {
            signal.removeEventListener("abort", onAbort);
            reject(error);
          },
        );
      });
    },
  };
}

function stopped(check: Check, signal: AbortSignal): CheckOutcome {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : String(reason ?? "the step was stopped");
  return { kind: "error", message: `${check.kind} check ${check.name} stopped: ${why}`, evidence: {} };
}
