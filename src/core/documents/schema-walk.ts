import type { z } from "zod";

type AnySchema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, AnySchema>;
  readonly innerType?: AnySchema;
  readonly element?: AnySchema;
  readonly valueType?: AnySchema;
  readonly options?: readonly AnySchema[];
  readonly in?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

/** Unwraps optional/default/nullable/pipe wrappers to the schemas that describe the value. */
function candidates(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return def.innerType ? candidates(def.innerType) : [];
    case "pipe":
      return def.in ? candidates(def.in) : [];
    case "union":
      return (def.options ?? []).flatMap(candidates);
    default:
      return [schema];
  }
}

/** The schemas that may describe the value at `path` (several when unions are involved). */
export function schemasAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema[] {
  let current = candidates(root);
  for (const part of path) {
    const next: AnySchema[] = [];
    for (const s of current) {
      const def = defOf(s);
      if (def.type === "object" && typeof part === "string" && def.shape?.[part]) next.push(def.shape[part]);
      else if (def.type === "array" && typeof part === "number" && def.element) next.push(def.element);
      else if (def.type === "record" && def.valueType) next.push(def.valueType);
    }
    current = next.flatMap(candidates);
  }
  return current;
}

/** Field names an object at `path` may have, for "did you mean" suggestions. */
export function knownFieldsAt(root: AnySchema, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const def = defOf(s);
    if (def.type === "object" && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
