import { describeSource, type ParameterSource, parseParameterSource } from "./secret-reference.js";

/** Reads one secret; the adapter supplies it (process.env, the file system). */
export type SecretReader = (source: Exclude<ParameterSource, { kind: "literal" }>) => string | undefined;

/** Resolved variables, plus the secret values a log writer must mask. */
export interface ResolvedEnvironment {
  readonly env: Readonly<Record<string, string>>;
  readonly secretValues: readonly string[];
}

/** A secret that could not be read: names the variable and the reference, never a value. */
export class SecretUnresolvedError extends Error {
  readonly variable: string;
  readonly reference: string;
  constructor(variable: string, source: ParameterSource) {
    super(`parameter ${variable}: secret ${describeSource(source)} could not be read`);
    this.name = "SecretUnresolvedError";
    this.variable = variable;
    this.reference = describeSource(source);
  }
}

/** Replaces every secret reference by its value, at deploy time only. */
export function resolveSecrets(
  env: Readonly<Record<string, string>>,
  read: SecretReader,
): ResolvedEnvironment {
  const out: Record<string, string> = {};
  const secretValues: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const source = parseParameterSource(value);
    if (source.kind === "literal") {
      out[name] = source.value;
      continue;
    }
    const secret = read(source);
    if (secret === undefined) throw new SecretUnresolvedError(name, source);
    out[name] = secret;
    if (secret.length > 0) secretValues.push(secret);
  }
  return { env: out, secretValues };
}

/** Replaces each secret value in a log line by `***` so captured output never leaks one. */
export function maskSecrets(line: string, secretValues: readonly string[]): string {
  let masked = line;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...secretValues].sort((a, b) => b.length - a.length)) masked = masked.split(s).join("***");
  return masked;
}
