import type { FiredTrigger } from "../../core/analysis/rollback-trigger.js";
import { verificationOfInput } from "../../core/analysis/verification-settings.js";
import type { StepContext, StepHandler, StepOutcome } from "../../core/run/step-handler.js";
import { type CheckRoundState, runCheckRound, startCheckRound } from "../analysis/check-round.js";
import type { VerificationPorts } from "../analysis/verification-ports.js";

interface VerifyOutput {
  readonly round: CheckRoundState;
  /** Set when a trigger whose action is `pause` fired: the step waits for promote or abort. */
  readonly paused?: { readonly at: string; readonly fired: FiredTrigger };
}

/**
 * `verify`: the post-deploy checks of a wave, from the Release's `checks` for the service
 * (synthetic transactions, queue depths, KPIs, data integrity, infrastructure, the manual
 * checklist, before/after baselines). It waits while checks are due again or people have items to
 * tick, fails when a check fails, and hands a fired rollback trigger to the run (which starts the
 * rollback at once) — or, when the trigger says `pause`, waits for `promote` or `abort`.
 */
export function createVerifyHandler(ports: VerificationPorts = {}): StepHandler {
  return {
    kind: "verify",
    revertible: false,
    async reconcile(ctx: StepContext): Promise<StepOutcome> {
      const settings = verificationOfInput(ctx.input);
      const service = ctx.service ?? "";
      const burn = settings.triggers.some((t) => t.burnRate !== undefined);
      if (settings.checks.length === 0 && !burn)
        return {
          kind: "succeeded",
          output: { checked: 0 },
          message: `no checks are configured for ${service || "this step"} (Release checks): nothing was verified`,
        };
      const saved = ctx.output as Partial<VerifyOutput>;
      if (saved.paused !== undefined) return afterPause(ctx, saved as VerifyOutput);
      const now = ctx.now().getTime();
      const previous = saved.round ?? startCheckRound(now);
      const target = {
        service,
        environment: ctx.environment,
        version: typeof ctx.input.to === "string" ? ctx.input.to : undefined,
        previousVersion: typeof ctx.input.from === "string" ? ctx.input.from : undefined,
        startedAt: previous.startedAt,
      };
      const hasChecklist = settings.checks.some((c) => c.check.kind === "manual-checklist");
      const ticksNow = async () =>
        hasChecklist && ports.checklistTicks ? (await ports.checklistTicks(ctx.runId, ctx.key)).length : 0;
      let seen = await ticksNow();
      let round = await runCheckRound(ctx, settings.checks, settings.triggers, ports, target, previous);
      // A tick that lands while this reconcile runs cannot wake the step (it is not waiting yet):
      // look again before going back to sleep, so such a tick is not left for the next recheck.
      for (let again = 0; again < 3 && round.verdict === undefined && round.fired.length === 0; again++) {
        const count = await ticksNow();
        if (count === seen) break;
        seen = count;
        round = await runCheckRound(ctx, settings.checks, settings.triggers, ports, target, round.state);
      }
      const rollback = round.fired.find((f) => f.action === "rollback");
      const pause = round.fired.find((f) => f.action === "pause");
      const fired = rollback ?? pause;
      if (fired !== undefined) {
        if (ports.fireTrigger === undefined)
          return {
            kind: "failed",
            message: `trigger "${fired.trigger}" fired (${fired.reason}) but this engine cannot act on triggers`,
          };
        if (fired.action === "pause") {
          await ctx.checkpoint({ round: round.state, paused: { at: ctx.now().toISOString(), fired } });
          await ports.fireTrigger(ctx, fired);
          return {
            kind: "waiting",
            message: `trigger "${fired.trigger}" fired and the policy says pause: ${fired.reason}; promote this step to continue or abort the run to roll back`,
          };
        }
        await ctx.checkpoint({ round: round.state });
        await ports.fireTrigger(ctx, fired);
        return { kind: "failed", message: `rollback triggered by "${fired.trigger}": ${fired.reason}` };
      }
      await ctx.checkpoint({ round: round.state });
      switch (round.verdict) {
        case "passed":
          return {
            kind: "succeeded",
            output: { round: round.state, checked: settings.checks.length },
            message: round.message,
          };
        case "failed":
          return { kind: "failed", message: round.message };
        case undefined:
          return {
            kind: "waiting",
            message: round.message,
            ...(round.nextAt !== undefined ? { until: new Date(round.nextAt) } : {}),
          };
        default:
          return assertNever(round.verdict);
      }
    },
  };
}

/** After a pause trigger: promote accepts the result and continues; abort is the run's business. */
async function afterPause(ctx: StepContext, saved: VerifyOutput): Promise<StepOutcome> {
  const since = Date.parse(saved.paused?.at ?? "");
  const promoted = (await ctx.signals()).find((s) => s.kind === "promote" && Date.parse(s.at) >= since);
  if (promoted !== undefined)
    return {
      kind: "succeeded",
      output: { round: saved.round, promotedBy: promoted.by },
      message: `promoted by ${promoted.by} after trigger "${saved.paused?.fired.trigger}" paused the step`,
    };
  return {
    kind: "waiting",
    message: `paused by trigger "${saved.paused?.fired.trigger}": ${saved.paused?.fired.reason}; promote to continue or abort to roll back`,
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected verdict ${String(value)}`);
}

/** The verify handler without adapters: passes when nothing is configured, errors on any check. */
export const verifyHandler: StepHandler = createVerifyHandler();
