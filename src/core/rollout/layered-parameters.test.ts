import { describe, expect, it } from "vitest";
import { mergeParameterLayers, parameterValues, renderInstanceEnvironment } from "./layered-parameters.js";
import { maskSecrets, resolveSecrets, SecretUnresolvedError } from "./resolve-secrets.js";
import { parseParameterSource } from "./secret-reference.js";

const facts = {
  service: "orders",
  environment: "prod",
  version: "2.0.0",
  slot: "canary",
  index: 1,
  port: 4100,
};

describe("layered parameters", () => {
  it("release overrides environment overrides service defaults, and says where each value came from", () => {
    const merged = mergeParameterLayers({
      serviceDefaults: { "log-level": "info", pool: 5, debug: false },
      environment: { "log-level": "warn" },
      serviceEnvironment: { pool: 20 },
      release: { debug: true },
    });
    expect(merged).toEqual({
      "log-level": { value: "warn", layer: "environment" },
      pool: { value: "20", layer: "serviceEnvironment" },
      debug: { value: "true", layer: "release" },
    });
  });

  it("renders variables per instance with its port and slot", () => {
    const env = renderInstanceEnvironment(
      { "public-url": "http://127.0.0.1:{{port}}/{{ slot }}", "db-password": "env:DB_PW" },
      facts,
    );
    expect(env.PUBLIC_URL).toBe("http://127.0.0.1:4100/canary");
    expect(env.DB_PASSWORD).toBe("env:DB_PW");
    expect(env.PORT).toBe("4100");
    expect(env.UPSHIFT_INSTANCE).toBe("1");
  });

  it("refuses a malformed secret reference instead of using it as text", () => {
    expect(() => mergeParameterLayers({ release: { token: "env:not valid" } })).toThrow(/env:NAME/);
    expect(() => mergeParameterLayers({ release: { cert: "file:relative/path" } })).toThrow(/absolute/);
    expect(parseParameterSource("literal:env:HOME")).toEqual({ kind: "literal", value: "env:HOME" });
  });

  it("resolves secrets at deploy time and masks their values in log lines", () => {
    const env = renderInstanceEnvironment(
      parameterValues(mergeParameterLayers({ release: { token: "env:TOKEN" } })),
      facts,
    );
    const resolved = resolveSecrets(env, (s) =>
      s.kind === "env" && s.name === "TOKEN" ? "s3cr3t-value" : undefined,
    );
    expect(resolved.env.TOKEN).toBe("s3cr3t-value");
    expect(maskSecrets("connecting with s3cr3t-value now", resolved.secretValues)).toBe(
      "connecting with *** now",
    );
    const missing = () => resolveSecrets({ KEY: "file:/run/secrets/key" }, () => undefined);
    expect(missing).toThrow(SecretUnresolvedError);
    expect(missing).toThrow("parameter KEY: secret file:/run/secrets/key could not be read");
  });
});
