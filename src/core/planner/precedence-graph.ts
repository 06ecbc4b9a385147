import type { EdgeCause, OrderingEdges } from "./ordering-constraints.js";

/**
 * The moving services as nodes 0..n-1 (in name order) and precedence edges in compressed
 * sparse row form: typed arrays keep 100,000-service fleets cheap to walk.
 */
export interface PrecedenceGraph {
  readonly nodeCount: number;
  /** Node → index into PlanningFleet.services. */
  readonly serviceOf: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  /** 1 where edge e comes from a dependsOn, 0 where from a requirement. */
  readonly dependsOn: Uint8Array;
  /** Why edge e orders its two services (worked out when asked: see OrderingEdges). */
  cause(e: number): EdgeCause;
  /** Out-edges of node v are outEdges[outStart[v] .. outStart[v + 1]). */
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
}

/** Builds the graph over the services that move (`moving`, ascending service indices). */
export function buildPrecedenceGraph(
  moving: readonly number[],
  serviceCount: number,
  edges: OrderingEdges,
): PrecedenceGraph {
  const nodeOf = new Int32Array(serviceCount).fill(-1);
  for (let v = 0; v < moving.length; v++) nodeOf[moving[v] ?? 0] = v;
  // The edges between two moving services, by their index among all edges.
  const kept: number[] = [];
  for (let e = 0; e < edges.before.length; e++) {
    if ((nodeOf[edges.before[e] ?? 0] ?? -1) >= 0 && (nodeOf[edges.after[e] ?? 0] ?? -1) >= 0) kept.push(e);
  }
  const n = moving.length;
  const edgeFrom = new Int32Array(kept.length);
  const edgeTo = new Int32Array(kept.length);
  const dependsOn = new Uint8Array(kept.length);
  const outStart = new Int32Array(n + 1);
  for (let i = 0; i < kept.length; i++) {
    const e = kept[i] ?? 0;
    const from = nodeOf[edges.before[e] ?? 0] ?? 0;
    edgeFrom[i] = from;
    edgeTo[i] = nodeOf[edges.after[e] ?? 0] ?? 0;
    dependsOn[i] = edges.isDependsOn(e) ? 1 : 0;
    outStart[from + 1] = (outStart[from + 1] ?? 0) + 1;
  }
  for (let v = 0; v < n; v++) outStart[v + 1] = (outStart[v + 1] ?? 0) + (outStart[v] ?? 0);
  const fill = outStart.slice(0, n);
  const outEdges = new Int32Array(kept.length);
  for (let i = 0; i < kept.length; i++) {
    const from = edgeFrom[i] ?? 0;
    outEdges[fill[from] ?? 0] = i;
    fill[from] = (fill[from] ?? 0) + 1;
  }
  return {
    nodeCount: n,
    serviceOf: Int32Array.from(moving),
    edgeFrom,
    edgeTo,
    dependsOn,
    cause: (e) => edges.cause(kept[e] ?? 0),
    outStart,
    outEdges,
  };
}
