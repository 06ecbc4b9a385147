import type { EdgeCause, OrderingEdge } from "./ordering-constraints.js";

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
  readonly causes: readonly EdgeCause[];
  /** Out-edges of node v are outEdges[outStart[v] .. outStart[v + 1]). */
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
}

/** Builds the graph over the services that move (`moving`, ascending service indices). */
export function buildPrecedenceGraph(
  moving: readonly number[],
  serviceCount: number,
  edges: readonly OrderingEdge[],
): PrecedenceGraph {
  const nodeOf = new Int32Array(serviceCount).fill(-1);
  moving.forEach((s, v) => {
    nodeOf[s] = v;
  });
  const kept = edges.filter((e) => (nodeOf[e.before] ?? -1) >= 0 && (nodeOf[e.after] ?? -1) >= 0);
  const n = moving.length;
  const edgeFrom = new Int32Array(kept.length);
  const edgeTo = new Int32Array(kept.length);
  const outStart = new Int32Array(n + 1);
  kept.forEach((e, i) => {
    const from = nodeOf[e.before] ?? 0;
    edgeFrom[i] = from;
    edgeTo[i] = nodeOf[e.after] ?? 0;
    outStart[from + 1] = (outStart[from + 1] ?? 0) + 1;
  });
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
    causes: kept.map((e) => e.cause),
    outStart,
    outEdges,
  };
}
