import { MinHeap } from "./min-heap.js";
import type { PrecedenceGraph } from "./precedence-graph.js";

/** Kahn (1962) topological order, plus each node's earliest wave and height (longest path down). */
function levels(graph: PrecedenceGraph): { earliest: Int32Array; height: Int32Array } {
  const n = graph.nodeCount;
  const indegree = new Int32Array(n);
  for (const to of graph.edgeTo) indegree[to] = (indegree[to] ?? 0) + 1;
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order.push(v);
  const earliest = new Int32Array(n);
  for (let head = 0; head < order.length; head++) {
    const u = order[head] ?? 0;
    for (let p = graph.outStart[u] ?? 0; p < (graph.outStart[u + 1] ?? 0); p++) {
      const w = graph.edgeTo[graph.outEdges[p] ?? 0] ?? 0;
      earliest[w] = Math.max(earliest[w] ?? 0, (earliest[u] ?? 0) + 1);
      indegree[w] = (indegree[w] ?? 0) - 1;
      if (indegree[w] === 0) order.push(w);
    }
  }
  if (order.length !== n) throw new Error("wave schedule needs an acyclic graph");
  const height = new Int32Array(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const u = order[k] ?? 0;
    for (let p = graph.outStart[u] ?? 0; p < (graph.outStart[u + 1] ?? 0); p++) {
      const w = graph.edgeTo[graph.outEdges[p] ?? 0] ?? 0;
      height[u] = Math.max(height[u] ?? 0, (height[w] ?? 0) + 1);
    }
  }
  return { earliest, height };
}

/**
 * List scheduling in waves (Graham, 1966): each wave takes, up to `capacity`, the ready nodes
 * that are eligible by then, most urgent first — Hu's (1961) highest-level-first priority (the
 * longest chain still below a node), then less critical tier, then name. Returns each node's wave.
 */
function listSchedule(
  graph: PrecedenceGraph,
  height: Int32Array,
  tiers: Int32Array,
  capacity: number,
  eligibleAt: (v: number) => number,
): Int32Array {
  const n = graph.nodeCount;
  const maxHeight = height.reduce((a, b) => Math.max(a, b), 0);
  const key = (v: number) => ((maxHeight - (height[v] ?? 0)) * 4 + (3 - (tiers[v] ?? 0))) * n + v;
  const indegree = new Int32Array(n);
  for (const to of graph.edgeTo) indegree[to] = (indegree[to] ?? 0) + 1;
  const pending: number[][] = [];
  const release = (v: number, wave: number) => {
    const at = Math.max(wave, eligibleAt(v));
    const bucket = pending[at];
    if (bucket === undefined) pending[at] = [v];
    else bucket.push(v);
  };
  for (let v = 0; v < n; v++) if (indegree[v] === 0) release(v, 0);
  const waveOf = new Int32Array(n);
  const ready = new MinHeap();
  for (let wave = 0, placed = 0; placed < n; wave++) {
    for (const v of pending[wave] ?? []) ready.push(key(v));
    const taken: number[] = [];
    while (ready.size > 0 && taken.length < capacity) taken.push((ready.pop() ?? 0) % n);
    for (const v of taken) {
      waveOf[v] = wave;
      placed++;
      for (let p = graph.outStart[v] ?? 0; p < (graph.outStart[v + 1] ?? 0); p++) {
        const w = graph.edgeTo[graph.outEdges[p] ?? 0] ?? 0;
        indegree[w] = (indegree[w] ?? 0) - 1;
        if (indegree[w] === 0) release(w, wave + 1);
      }
    }
  }
  return waveOf;
}

function waveCount(waveOf: Int32Array): number {
  return waveOf.reduce((a, b) => Math.max(a, b + 1), 0);
}

/**
 * Assigns every node of an acyclic graph to a wave: fewest waves first, then less critical tiers
 * earlier, then names. Each node has a slack window [earliest, latest] within the fewest waves;
 * a tier-3 service aims at the start of its window, a tier-0 service at its end, tiers between
 * in proportion. Without `capacity` this is exact; with it, the wave count is Hu's list
 * schedule, which is optimal for in-forests and otherwise within Graham's 2 - 1/m bound.
 */
export function scheduleWaves(graph: PrecedenceGraph, tiers: Int32Array, capacity = Infinity): Int32Array {
  const { earliest, height } = levels(graph);
  const unlimited = !Number.isFinite(capacity);
  const hu = unlimited ? undefined : listSchedule(graph, height, tiers, capacity, () => 0);
  const waves = hu === undefined ? earliest.reduce((a, b) => Math.max(a, b + 1), 0) : waveCount(hu);
  const aim = (v: number) => {
    const first = earliest[v] ?? 0;
    const latest = waves - 1 - (height[v] ?? 0);
    return first + Math.round(((latest - first) * (3 - (tiers[v] ?? 0))) / 3);
  };
  const preferred = listSchedule(graph, height, tiers, capacity, aim);
  return hu === undefined || waveCount(preferred) <= waves ? preferred : hu;
}
