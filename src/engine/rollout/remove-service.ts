import type { StepContext, StepOutcome } from "../../core/run/step-handler.js";
import type { RolloutCheckpoint } from "./rollout-checkpoint.js";
import type { RolloutTarget } from "./rollout-target.js";

/**
 * Rollback of a first deploy: there is no earlier version to return to, so the service's traffic
 * stops (no version keeps weight) and the slots of the deployed version are retired.
 */
export async function removeService(
  ctx: StepContext,
  service: string,
  target: RolloutTarget,
  cp: RolloutCheckpoint,
): Promise<StepOutcome> {
  const tgt = { service, environment: ctx.environment };
  if (target.router !== undefined) {
    await target.router.setWeights(service, {});
    await target.router.setUpstreams(service, {});
  }
  const to = cp.plan.kind === "recreate" ? cp.plan.to.version : undefined;
  const slots = new Set([
    ...(cp.slots ?? []),
    ...(await target.driver.observe(tgt))
      .filter((i) => i.health !== "gone" && i.version === to)
      .map((i) => i.slot),
  ]);
  for (const slot of [...slots].sort()) {
    const r = await target.driver.retire(tgt, slot, {
      idempotencyKey: ctx.idempotencyKey(`remove-${slot}`),
      fence: ctx.fence,
      signal: ctx.abort,
    });
    for (const line of r.log) ctx.log(`remove-${slot}: ${line}`);
  }
  return {
    kind: "succeeded",
    output: { ...cp },
    message: `${service} removed from ${ctx.environment}: it had no version before this run`,
  };
}
