/** Raised when a worker's lease on a step has moved on: it must stop acting for that step at once. */
export class LeaseLostError extends Error {
  constructor(
    readonly stepId: string,
    readonly generation: number,
  ) {
    super(`lease generation ${generation} on step ${stepId} is no longer current; another worker owns it`);
    this.name = "LeaseLostError";
  }
}
