import type { StepHandler } from "../core/run/step-handler.js";

/** Step handlers by kind: the engine's port to everything that acts on the world. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, StepHandler>();

  constructor(handlers: readonly StepHandler[] = []) {
    for (const h of handlers) this.register(h);
  }

  register(handler: StepHandler): this {
    if (this.handlers.has(handler.kind))
      throw new Error(`a handler for step kind "${handler.kind}" is already registered`);
    this.handlers.set(handler.kind, handler);
    return this;
  }

  get(kind: string): StepHandler | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Whether steps of `kind` change anything that an abort must revert. */
  isRevertible(kind: string): boolean {
    return this.handlers.get(kind)?.revertible ?? false;
  }
}
