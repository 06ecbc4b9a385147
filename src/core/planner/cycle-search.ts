import type { PrecedenceGraph } from "./precedence-graph.js";

/**
 * Strongly connected components that contain a cycle (more than one node, or a self-loop),
 * using only edges marked in `alive`. Tarjan (1972), "Depth-first search and linear graph
 * algorithms", made iterative so deep chains of 100,000 services do not overflow the stack.
 */
export function cyclicComponents(graph: PrecedenceGraph, alive: Uint8Array): number[][] {
  const n = graph.nodeCount;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const next = new Int32Array(n);
  const onStack = new Uint8Array(n);
  // Both stacks hold each node at most once: typed arrays of n, nothing grows per node.
  const stack = new Int32Array(n);
  const calls = new Int32Array(n);
  let [stackSize, callDepth] = [0, 0];
  const components: number[][] = [];
  let counter = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    next[v] = graph.outStart[v] ?? 0;
    stack[stackSize++] = v;
    onStack[v] = 1;
    calls[callDepth++] = v;
  };
  for (let root = 0; root < n; root++) {
    if ((index[root] ?? 0) >= 0) continue;
    visit(root);
    while (callDepth > 0) {
      const v = calls[callDepth - 1] ?? 0;
      const position = next[v] ?? 0;
      if (position < (graph.outStart[v + 1] ?? 0)) {
        next[v] = position + 1;
        const e = graph.outEdges[position] ?? 0;
        if (alive[e] !== 1) continue;
        const w = graph.edgeTo[e] ?? 0;
        if ((index[w] ?? 0) < 0) visit(w);
        else if (onStack[w] === 1) low[v] = Math.min(low[v] ?? 0, index[w] ?? 0);
        continue;
      }
      callDepth--;
      if (callDepth > 0) {
        const parent = calls[callDepth - 1] ?? 0;
        low[parent] = Math.min(low[parent] ?? 0, low[v] ?? 0);
      }
      if (low[v] !== index[v]) continue;
      // Most components are one node without a loop: popped without building an array.
      if (stack[stackSize - 1] === v && !hasSelfLoop(graph, alive, v)) {
        stackSize--;
        onStack[v] = 0;
        continue;
      }
      const component: number[] = [];
      let w: number;
      do {
        w = stack[--stackSize] ?? v;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      components.push(component.sort((a, b) => a - b));
    }
  }
  return components;
}

function hasSelfLoop(graph: PrecedenceGraph, alive: Uint8Array, v: number): boolean {
  for (let p = graph.outStart[v] ?? 0; p < (graph.outStart[v + 1] ?? 0); p++) {
    const e = graph.outEdges[p] ?? 0;
    if (alive[e] === 1 && graph.edgeTo[e] === v) return true;
  }
  return false;
}

/** The shortest cycle through `start` inside `member` nodes, by breadth-first search; edge ids. */
export function shortestCycleThrough(
  graph: PrecedenceGraph,
  alive: Uint8Array,
  start: number,
  member: (v: number) => boolean,
): number[] {
  const parentEdge = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head] ?? 0;
    for (let p = graph.outStart[u] ?? 0; p < (graph.outStart[u + 1] ?? 0); p++) {
      const e = graph.outEdges[p] ?? 0;
      const w = graph.edgeTo[e] ?? 0;
      if (alive[e] !== 1 || !member(w)) continue;
      if (w === start) {
        const path = [e];
        for (let x = u; x !== start; ) {
          const back = parentEdge.get(x) ?? -1;
          path.unshift(back);
          x = graph.edgeFrom[back] ?? start;
        }
        return path;
      }
      if (!parentEdge.has(w)) {
        parentEdge.set(w, e);
        queue.push(w);
      }
    }
  }
  return [];
}

/**
 * Shortcuts a cycle along chords (edges between two of its nodes that skip ahead) until none is
 * left: every service and edge of a chordless cycle is needed for it, which is what makes a
 * reported conflict minimal.
 */
export function chordlessCycle(
  graph: PrecedenceGraph,
  cycle: readonly number[],
  usable: (e: number) => boolean,
) {
  let current = [...cycle];
  for (let changed = true; changed; ) {
    changed = false;
    const nodes = current.map((e) => graph.edgeFrom[e] ?? 0);
    const position = new Map(nodes.map((v, i) => [v, i]));
    for (let i = 0; i < nodes.length && !changed; i++) {
      const u = nodes[i] ?? 0;
      const successor = nodes[(i + 1) % nodes.length];
      for (let p = graph.outStart[u] ?? 0; p < (graph.outStart[u + 1] ?? 0); p++) {
        const e = graph.outEdges[p] ?? 0;
        const w = graph.edgeTo[e] ?? 0;
        const at = position.get(w);
        if (at === undefined || w === successor || !usable(e)) continue;
        const length = (i - at + nodes.length) % nodes.length;
        const shorter: number[] = [];
        for (let k = 0; k < length; k++) shorter.push(current[(at + k) % nodes.length] ?? 0);
        shorter.push(e);
        current = shorter;
        changed = true;
        break;
      }
    }
  }
  return current;
}

/**
 * Reports cycles until the alive edges are acyclic: one chordless cycle per cyclic component per
 * round, then the round's cycle edges are removed so the next round finds the next one. Stops
 * after `limit` cycles: past that, a person has enough to act on.
 */
export function findCycles(
  graph: PrecedenceGraph,
  alive: Uint8Array,
  chord: (e: number) => boolean,
  limit: number,
): number[][] {
  const cycles: number[][] = [];
  while (cycles.length < limit) {
    const components = cyclicComponents(graph, alive);
    if (components.length === 0) break;
    for (const component of components) {
      if (cycles.length >= limit) break;
      const members = new Set(component);
      const start = component[0] ?? 0;
      const found = shortestCycleThrough(graph, alive, start, (v) => members.has(v));
      if (found.length === 0) return cycles; // unreachable: a cyclic component has a cycle through each node
      for (const e of found) alive[e] = 0;
      cycles.push(chordlessCycle(graph, found, chord));
    }
  }
  return cycles;
}
