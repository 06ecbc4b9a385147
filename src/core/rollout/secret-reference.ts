/**
 * A parameter value is either literal text or a reference to a secret that is read only when an
 * instance starts: `env:NAME` (a variable of the control plane's environment) or `file:/abs/path`.
 * A literal that happens to start with `env:` or `file:` is written `literal:env:...`.
 */
export type ParameterSource =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "file"; readonly path: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads a parameter value; throws on a malformed reference so a typo never becomes a literal. */
export function parseParameterSource(value: string): ParameterSource {
  if (value.startsWith("literal:")) return { kind: "literal", value: value.slice("literal:".length) };
  if (value.startsWith("env:")) {
    const name = value.slice("env:".length);
    if (!ENV_NAME.test(name))
      throw new Error(`"${value}" is not a valid env reference: expected env:NAME with NAME like API_TOKEN`);
    return { kind: "env", name };
  }
  if (value.startsWith("file:")) {
    const path = value.slice("file:".length);
    if (!path.startsWith("/"))
      throw new Error(`"${value}" is not a valid file reference: expected an absolute path, file:/path`);
    return { kind: "file", path };
  }
  return { kind: "literal", value };
}

/** True when the value is resolved from a secret store, so it must never be written anywhere. */
export function isSecret(source: ParameterSource): boolean {
  return source.kind !== "literal";
}

/** How a reference is named in logs and errors: never its value. */
export function describeSource(source: ParameterSource): string {
  switch (source.kind) {
    case "literal":
      return "literal";
    case "env":
      return `env:${source.name}`;
    case "file":
      return `file:${source.path}`;
    default: {
      const never: never = source;
      return never;
    }
  }
}
