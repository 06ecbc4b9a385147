import { parseParameterSource } from "./secret-reference.js";

type ParameterValue = string | number | boolean;
type ParameterLayer = Readonly<Record<string, ParameterValue>> | undefined;

/** The layers a service's configuration comes from, most general first (DESIGN.md "Documents"). */
export interface ParameterLayers {
  /** Service `spec.parameters`. */
  readonly serviceDefaults?: ParameterLayer;
  /** Environment `spec.parameters`. */
  readonly environment?: ParameterLayer;
  /** Service `spec.environments[env].parameters`: the service's own setting for that environment. */
  readonly serviceEnvironment?: ParameterLayer;
  /** Release overrides for this change. */
  readonly release?: ParameterLayer;
}

/** One merged parameter and the layer its value came from (shown by `plan` and in errors). */
export interface LayeredParameter {
  readonly value: string;
  readonly layer: keyof ParameterLayers;
}

const ORDER: readonly (keyof ParameterLayers)[] = [
  "serviceDefaults",
  "environment",
  "serviceEnvironment",
  "release",
];

/** Merges the layers, later ones winning, and checks every secret reference's syntax. */
export function mergeParameterLayers(layers: ParameterLayers): Readonly<Record<string, LayeredParameter>> {
  const merged: Record<string, LayeredParameter> = {};
  for (const layer of ORDER) {
    for (const [name, value] of Object.entries(layers[layer] ?? {})) {
      const text = String(value);
      parseParameterSource(text);
      merged[name] = { value: text, layer };
    }
  }
  return merged;
}

/** What is known about one instance when its parameters are rendered. */
export interface InstanceFacts {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly slot: string;
  readonly index: number;
  readonly port: number;
}

/** `max-connections` → `MAX_CONNECTIONS`: the environment variable a parameter becomes. */
export function environmentVariableName(parameter: string): string {
  return parameter.replace(/[^A-Za-z0-9_]/g, "_").toUpperCase();
}

const PLACEHOLDER = /\{\{\s*(service|environment|version|slot|index|port)\s*\}\}/g;

/**
 * The environment variables of one instance: each parameter under its variable name, with
 * `{{port}}`, `{{slot}}`, `{{version}}`, `{{index}}`, `{{service}}`, `{{environment}}` filled in,
 * plus PORT and UPSHIFT_* facts. Secret references stay references; the driver resolves them.
 */
export function renderInstanceEnvironment(
  parameters: Readonly<Record<string, string>>,
  instance: InstanceFacts,
): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    env[environmentVariableName(name)] = value.replace(PLACEHOLDER, (_, key: keyof InstanceFacts) =>
      String(instance[key]),
    );
  }
  env.PORT = String(instance.port);
  env.UPSHIFT_SERVICE = instance.service;
  env.UPSHIFT_ENVIRONMENT = instance.environment;
  env.UPSHIFT_VERSION = instance.version;
  env.UPSHIFT_SLOT = instance.slot;
  env.UPSHIFT_INSTANCE = String(instance.index);
  return env;
}

/** Plain values of merged parameters, as a DeployRequest carries them. */
export function parameterValues(
  merged: Readonly<Record<string, LayeredParameter>>,
): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.value]));
}
