import type { Store } from "../../store/store.js";
import { ChangeGate } from "./change-gate.js";
import { ChangeService } from "./change-service.js";

/**
 * Runs the change gate's reconciliation every `intervalMs` in a server process: changes enter
 * Implement when their window opens and Review when their runs end. Returns a stop function.
 */
export function startChangeUpkeep(
  store: Store,
  warn: (message: string) => void,
  intervalMs = 1_000,
): () => void {
  const gate = new ChangeGate(store, new ChangeService(store));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    gate
      .reconcile(Date.now())
      .catch((error: unknown) =>
        warn(`change upkeep failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
