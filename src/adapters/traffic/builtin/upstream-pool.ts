import { Agent } from "node:http";
import type { RouteConfig } from "../../../core/traffic/route-config.js";
import { parseUpstreamAddress, type UpstreamAddress } from "../../../core/traffic/upstream-address.js";

const UPSTREAM_IDLE_TIMEOUT_MS = 30_000;

/** An upstream instance with its own keep-alive connection pool. */
export interface Upstream {
  readonly address: string;
  readonly target: UpstreamAddress;
  readonly agent: Agent;
}

/**
 * Keep-alive agents per upstream address, and a round-robin cursor per version. Agents outlive
 * configuration changes for addresses that stay, so reweighting does not drop warm connections.
 */
export class UpstreamPool {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly cursors = new Map<string, number>();
  private byVersion = new Map<string, readonly Upstream[]>();

  constructor(config: RouteConfig) {
    this.configure(config);
  }

  /** Adopts a new configuration; agents of addresses that left are closed once idle. */
  configure(config: RouteConfig): void {
    const next = new Map<string, readonly Upstream[]>();
    const keep = new Set<string>();
    for (const [version, addresses] of Object.entries(config.upstreams)) {
      next.set(
        version,
        addresses.map((address) => {
          keep.add(address);
          return this.upstream(address);
        }),
      );
    }
    for (const [address, upstream] of this.upstreams)
      if (!keep.has(address)) {
        this.upstreams.delete(address);
        // Only idle sockets are closed: agent.destroy() would also cut responses in flight. Busy
        // sockets return to the dropped agent and close when the upstream's keep-alive times out.
        for (const sockets of Object.values(upstream.agent.freeSockets))
          for (const s of sockets ?? []) s.destroy();
      }
    this.byVersion = next;
  }

  private upstream(address: string): Upstream {
    const existing = this.upstreams.get(address);
    if (existing !== undefined) return existing;
    const target = parseUpstreamAddress(address);
    if (target === null) throw new Error(`invalid upstream address ${address}`);
    // The socket timeout is set once per pooled socket, not per request (setTimeout on every request
    // costs measurable throughput); a request whose socket stays silent this long gets 504.
    const agent = new Agent({
      keepAlive: true,
      noDelay: true,
      maxSockets: 256,
      maxFreeSockets: 64,
      timeout: UPSTREAM_IDLE_TIMEOUT_MS,
    });
    const upstream = { address, target, agent };
    this.upstreams.set(address, upstream);
    return upstream;
  }

  /** The version's upstreams in the order to try them, starting from the next in round-robin. */
  attemptOrder(version: string): readonly Upstream[] {
    const list = this.byVersion.get(version) ?? [];
    if (list.length <= 1) return list;
    const start = (this.cursors.get(version) ?? 0) % list.length;
    this.cursors.set(version, start + 1);
    return [...list.slice(start), ...list.slice(0, start)];
  }

  close(): void {
    for (const upstream of this.upstreams.values()) upstream.agent.destroy();
  }
}
