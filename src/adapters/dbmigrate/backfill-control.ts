/** What a running backfill should do next, as its control says. */
export type BackfillCommand = "run" | "pause" | "cancel";

/**
 * Pause, resume and cancel for a running backfill, in the manner of an AbortController: the
 * caller keeps the control, the runner checks it between batches (never inside one, so a batch's
 * locks are never held while paused). Cancel is final for this run; the checkpoint stays, so
 * running the backfill again resumes where it stopped.
 */
export class BackfillControl {
  private command: BackfillCommand = "run";
  private readonly waiters: (() => void)[] = [];

  /** A control cancelled when `signal` aborts (for SIGINT handlers and request lifetimes). */
  static fromAbortSignal(signal: AbortSignal): BackfillControl {
    const control = new BackfillControl();
    if (signal.aborted) control.cancel();
    else signal.addEventListener("abort", () => control.cancel(), { once: true });
    return control;
  }

  get current(): BackfillCommand {
    return this.command;
  }

  pause(): void {
    if (this.command === "run") this.command = "pause";
  }

  resume(): void {
    if (this.command === "pause") {
      this.command = "run";
      this.wake();
    }
  }

  cancel(): void {
    this.command = "cancel";
    this.wake();
  }

  /** Resolves when the backfill may go on ("run") or must stop ("cancel"). */
  async whenRunnable(): Promise<"run" | "cancel"> {
    while (this.command === "pause") await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.command === "cancel" ? "cancel" : "run";
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
