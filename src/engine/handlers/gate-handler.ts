import type { StepContext, StepHandler, StepOutcome } from "../../core/run/step-handler.js";

/**
 * `gate`: waits for a person. `approve` or `promote` on this step lets the run go on; `judge` with
 * value `fail` fails the step. Everything is recorded with who and when.
 */
export const gateHandler: StepHandler = {
  kind: "gate",
  revertible: false,
  async reconcile(ctx: StepContext): Promise<StepOutcome> {
    if (ctx.direction === "rollback") return { kind: "succeeded", message: "nothing to revert" };
    const mine = (await ctx.signals()).filter((s) => s.stepKey === ctx.key);
    const verdict = mine.findLast((s) => s.kind === "approve" || s.kind === "promote" || s.kind === "judge");
    if (verdict?.kind === "judge" && verdict.value === "fail") {
      return {
        kind: "failed",
        message: `judged failed by ${verdict.by}${verdict.reason ? `: ${verdict.reason}` : ""}`,
      };
    }
    if (verdict !== undefined) {
      return {
        kind: "succeeded",
        output: { approvedBy: verdict.by, at: verdict.at, signal: verdict.kind },
        message: `${verdict.kind} by ${verdict.by}`,
      };
    }
    const prompt = typeof ctx.input.message === "string" ? `${ctx.input.message}; ` : "";
    return {
      kind: "waiting",
      message: `${prompt}waiting for approval: upshift run signal ${ctx.runId} --step ${ctx.key} --kind approve`,
    };
  },
};
