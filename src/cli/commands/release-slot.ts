import {
  type CalendarWorld,
  type CutoverWave,
  namedTeams,
  releaseNeeds,
  teamsForEnvironment,
} from "../../core/calendar/index.js";
import type { UpshiftDocument } from "../../core/documents/document-kinds.js";
import { planInputFromDocuments } from "../../core/planner/plan-input-from-documents.js";
import { planRelease } from "../../core/planner/plan-release.js";
import { CliError, EXIT } from "../exit-codes.js";

/**
 * What `upshift schedule` places for a release in one environment: the plan's duration and
 * services, the Resources its bookings name for that environment, and its teams for the
 * environment's region.
 */
export function releaseWave(
  docs: readonly UpshiftDocument[],
  world: CalendarWorld,
  release: string,
  environment: string,
): CutoverWave {
  const input = planInputFromDocuments(docs, release);
  const plan = planRelease(input, { environment });
  const env = plan.environments.find((e) => e.name === environment);
  if (!plan.feasible || env === undefined)
    throw new CliError(
      `release ${release} has no valid plan in ${environment}; run upshift plan to see why`,
      EXIT.notPossible,
    );
  const spec = input.release.spec;
  return {
    environment,
    services: [...new Set(env.waves.flatMap((w) => w.steps.map((s) => s.service)))],
    durationMs: Math.max(60_000, env.waves.reduce((s, w) => s + w.estimateSeconds, 0) * 1000),
    needs: releaseNeeds(spec, environment),
    teams: teamsForEnvironment(world, namedTeams(world, spec.teams ?? []), environment),
  };
}
