import { parseDurationSeconds } from "../../core/documents/duration.js";
import type { StepContext, StepHandler, StepOutcome } from "../../core/run/step-handler.js";

/** `wait`: a durable timer. The wake-up time is checkpointed, so a restart never restarts the clock. */
export const waitHandler: StepHandler = {
  kind: "wait",
  revertible: false,
  async reconcile(ctx: StepContext): Promise<StepOutcome> {
    if (ctx.direction === "rollback") return { kind: "succeeded", message: "nothing to revert" };
    const raw = ctx.input.duration;
    const seconds =
      typeof raw === "number" ? raw : typeof raw === "string" ? parseDurationSeconds(raw) : undefined;
    if (seconds === undefined || seconds < 0)
      return {
        kind: "failed",
        message: `wait needs input.duration (seconds or "5m"); got ${JSON.stringify(raw)}`,
      };
    let wakeAt = typeof ctx.output.wakeAt === "number" ? ctx.output.wakeAt : undefined;
    if (wakeAt === undefined) {
      wakeAt = ctx.now().getTime() + seconds * 1000;
      await ctx.checkpoint({ ...ctx.output, wakeAt });
    }
    if (ctx.now().getTime() >= wakeAt)
      return { kind: "succeeded", output: { wakeAt }, message: `waited ${seconds}s` };
    return {
      kind: "waiting",
      until: new Date(wakeAt),
      message: `waiting until ${new Date(wakeAt).toISOString()}`,
    };
  },
};
