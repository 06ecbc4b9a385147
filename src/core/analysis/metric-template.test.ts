import { describe, expect, it } from "vitest";
import { escapePromqlString, renderMetricTemplate, templateArgumentNames } from "./metric-template.js";

describe("metric query templates", () => {
  const query =
    'sum(rate(http_requests_total{version="{{args.version}}",code=~"5.."}[1m])) / {{ args.window }}';

  it("fills every argument, escaped for PromQL strings", () => {
    expect(templateArgumentNames(query)).toEqual(["version", "window"]);
    expect(renderMetricTemplate(query, { version: "2.0.1", window: "60" }, escapePromqlString)).toBe(
      'sum(rate(http_requests_total{version="2.0.1",code=~"5.."}[1m])) / 60',
    );
  });

  it("keeps a hostile value inside its label string", () => {
    const rendered = renderMetricTemplate(
      'up{version="{{args.version}}"}',
      { version: '1"} or vector(1) #\\' },
      escapePromqlString,
    );
    expect(rendered).toBe('up{version="1\\"} or vector(1) #\\\\"}');
  });

  it("names every missing argument", () => {
    expect(() => renderMetricTemplate(query, {})).toThrow(/no value was given for version, window/);
  });
});
