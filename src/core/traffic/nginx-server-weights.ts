import type { RouteConfig } from "./route-config.js";

/** One `server` line of a weighted nginx upstream. */
export interface NginxServerWeight {
  readonly version: string;
  readonly address: string;
  readonly weight: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Spreads version weights over their servers for nginx's weighted round robin, where a weight
 * belongs to a server, not a version: each of a version's n servers gets w·L/n, with L the least
 * common multiple of the server counts so every weight is an integer, then all are divided by
 * their greatest common divisor to keep them small. Versions with weight 0 get no servers (nginx
 * refuses `weight=0`).
 */
export function nginxServerWeights(config: RouteConfig): readonly NginxServerWeight[] {
  const weighted = Object.entries(config.weights).filter(
    ([version, weight]) => weight > 0 && (config.upstreams[version]?.length ?? 0) > 0,
  );
  let lcm = 1;
  for (const [version] of weighted) {
    const n = config.upstreams[version]?.length ?? 1;
    lcm = (lcm * n) / gcd(lcm, n);
  }
  const servers: NginxServerWeight[] = [];
  for (const [version, weight] of weighted) {
    const addresses = config.upstreams[version] ?? [];
    for (const address of addresses)
      servers.push({ version, address, weight: (weight * lcm) / addresses.length });
  }
  const divisor = servers.reduce((d, s) => gcd(s.weight, d), 0);
  return divisor > 1 ? servers.map((s) => ({ ...s, weight: s.weight / divisor })) : servers;
}
