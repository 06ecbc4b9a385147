/**
 * The sample files of offline judging: a JSON array of numbers (one metric), or an object of
 * metric name -> array of numbers. `null` stands for a missing value (JSON has no NaN). Every
 * problem is reported with the file, the metric and the element, in one pass.
 */
import { InputError } from "../errors/domain-error.js";

export interface SampleFile {
  /** How messages name the file (its path). */
  readonly name: string;
  readonly text: string;
}

export type ParsedSampleFile =
  | { readonly kind: "single-metric"; readonly values: readonly (number | null)[] }
  | { readonly kind: "metrics"; readonly metrics: Readonly<Record<string, readonly (number | null)[]>> };

const MAX_REPORTED = 20;
const SHAPE = "a JSON array of numbers, or an object mapping each metric name to an array of numbers";

/** Parses and checks one sample file, or throws an InputError listing what is wrong where. */
export function parseSampleFile(file: SampleFile): ParsedSampleFile {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    throw new InputError(
      "judge-samples-invalid",
      `${file.name}: not valid JSON (${(error as Error).message}); expected ${SHAPE}.`,
      {
        cause: error,
      },
    );
  }
  const problems: string[] = [];
  let parsed: ParsedSampleFile;
  if (Array.isArray(json)) {
    parsed = { kind: "single-metric", values: checkValues(json, `${file.name}`, problems) };
  } else if (typeof json === "object" && json !== null) {
    const metrics: Record<string, readonly (number | null)[]> = {};
    const entries = Object.entries(json);
    if (entries.length === 0) problems.push(`${file.name}: the object has no metrics; expected ${SHAPE}`);
    for (const [name, values] of entries) {
      const where = `${file.name}: metric "${name}"`;
      if (Array.isArray(values)) metrics[name] = checkValues(values, where, problems);
      else problems.push(`${where} is ${describe(values)}, expected an array of numbers`);
    }
    parsed = { kind: "metrics", metrics };
  } else {
    throw new InputError("judge-samples-invalid", `${file.name}: got ${describe(json)}; expected ${SHAPE}.`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length > MAX_REPORTED ? `; and ${problems.length - MAX_REPORTED} more` : "";
    throw new InputError("judge-samples-invalid", `${shown.join("; ")}${more}.`, { details: problems });
  }
  return parsed;
}

function checkValues(values: readonly unknown[], where: string, problems: string[]): (number | null)[] {
  const out: (number | null)[] = [];
  values.forEach((v, i) => {
    if (typeof v === "number" || v === null) out.push(v);
    else problems.push(`${where}, element ${i}: expected a number or null, got ${describe(v)}`);
  });
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value === "boolean" ? "the boolean" : typeof value} ${String(value)}`;
}
