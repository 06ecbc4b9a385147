import { InputError } from "../errors/domain-error.js";
import type { RouteConfig } from "./route-config.js";
import { parseUpstreamAddress } from "./upstream-address.js";

/** One thing wrong with a route configuration, at a field path. */
export interface RouteProblem {
  readonly path: string;
  readonly message: string;
}

// Names end up in nginx identifiers, variables and Prometheus labels, so they are kept to plain
// characters: nothing a rendered config or a metrics line could misread (no quoting games).
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
export const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
// nginx reads cookies through `$cookie_<name>`, and variable names are [A-Za-z0-9_] only.
export const COOKIE_NAME = /^[A-Za-z0-9_]{1,128}$/;
export const MATCH_VALUE = /^[A-Za-z0-9._~+/=:@-]{1,256}$/;
const MAX_WEIGHT = 1_000_000;

/** Lists every problem of a route configuration in one pass (empty when it is valid). */
export function routeConfigProblems(config: RouteConfig): readonly RouteProblem[] {
  const problems: RouteProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (!SERVICE_NAME.test(config.service))
    problem("service", `"${config.service}" must be lowercase letters, digits and dashes (at most 63)`);
  if (parseUpstreamAddress(config.listen) === null) problem("listen", `"${config.listen}" is not host:port`);
  for (const [version, addresses] of Object.entries(config.upstreams)) {
    if (!VERSION_NAME.test(version))
      problem(`upstreams.${version}`, "version names are letters, digits and ._+-");
    if (addresses.length === 0) problem(`upstreams.${version}`, "a version needs at least one upstream");
    addresses.forEach((address, i) => {
      if (parseUpstreamAddress(address) === null)
        problem(`upstreams.${version}[${i}]`, `"${address}" is not host:port`);
    });
  }
  for (const [version, weight] of Object.entries(config.weights)) {
    if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT)
      problem(`weights.${version}`, `${weight} must be an integer from 0 to ${MAX_WEIGHT}`);
    if (weight > 0 && !(version in config.upstreams))
      problem(`weights.${version}`, `version ${version} has weight ${weight} but no upstreams`);
  }
  const route = config.headerRoute;
  if (route !== null) {
    const namePattern = route.kind === "header" ? HEADER_NAME : COOKIE_NAME;
    if (!namePattern.test(route.name))
      problem(
        "headerRoute.name",
        `"${route.name}" is not a valid ${route.kind} name (${namePattern.source})`,
      );
    if (!MATCH_VALUE.test(route.value))
      problem("headerRoute.value", `"${route.value}" must match ${MATCH_VALUE.source}`);
    if (!(route.version in config.upstreams))
      problem("headerRoute.version", `version ${route.version} has no upstreams`);
  }
  if (config.sticky !== null && !COOKIE_NAME.test(config.sticky.cookie))
    problem("sticky.cookie", `"${config.sticky.cookie}" must match ${COOKIE_NAME.source}`);
  return problems;
}

/** Throws an InputError naming every problem when the configuration is not valid. */
export function assertValidRouteConfig(config: RouteConfig): void {
  const problems = routeConfigProblems(config);
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.path}: ${p.message}`).join("; ");
  throw new InputError("route-config-invalid", `route for ${config.service} is invalid: ${list}`, {
    details: problems,
  });
}

/** The default sticky cookie of a service: a valid cookie name derived from it. */
export function stickyCookieName(service: string): string {
  return `upshift_${service.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
