import type { StepContext, StepHandler, StepOutcome } from "../../../core/run/step-handler.js";
import type { EffectLog } from "./effect-log.js";

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * `test` steps for the engine's own tests: each applies `input.effects` (action ids) in order through
 * the fenced, idempotent effect log, pausing `input.sleepMs` before each; `input.failAttempts` makes
 * the first n attempts fail (retryable), `input.fail` fails for good. Rollback applies `revert:` effects.
 */
export function testStepHandler(log: EffectLog): StepHandler {
  return {
    kind: "test",
    revertible: true,
    async reconcile(ctx: StepContext): Promise<StepOutcome> {
      const effects = Array.isArray(ctx.input.effects) ? ctx.input.effects.map(String) : [];
      const sleepMs = typeof ctx.input.sleepMs === "number" ? ctx.input.sleepMs : 0;
      if (ctx.direction === "forward") {
        if (ctx.input.fail === true) return { kind: "failed", message: "test step told to fail" };
        const failAttempts = typeof ctx.input.failAttempts === "number" ? ctx.input.failAttempts : 0;
        if (ctx.attempt <= failAttempts)
          return { kind: "failed", message: `test step fails attempt ${ctx.attempt}`, retryable: true };
      }
      const actions =
        ctx.direction === "forward" ? effects : [...effects].reverse().map((e) => `revert:${e}`);
      const done = new Set(Array.isArray(ctx.output.done) ? ctx.output.done.map(String) : []);
      let applied = 0;
      for (const action of actions) {
        if (done.has(action)) continue;
        if (sleepMs > 0) await abortable(sleepMs, ctx.abort);
        const key =
          ctx.direction === "forward"
            ? ctx.idempotencyKey(action)
            : `${ctx.runId}/${String(ctx.input.revertOf)}/${action}`;
        if (await log.apply(key, ctx.fence)) applied++;
        done.add(action);
        await ctx.checkpoint({ done: [...done] });
      }
      return {
        kind: "succeeded",
        output: { done: [...done] },
        message: `${actions.length} effects in place (${applied} applied now)`,
      };
    },
  };
}
