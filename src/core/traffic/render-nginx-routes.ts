import { createHash } from "node:crypto";
import { nginxServerWeights } from "./nginx-server-weights.js";
import type { RouteConfig } from "./route-config.js";

/** Where the rendered routes write their access logs and answer the configuration check. */
export interface NginxRoutesSettings {
  /** `host:port` of the small server that answers the digest of the configuration in force. */
  readonly statusListen: string;
  /** Access log path of a service (one file each, read back by observe), or null for none. */
  accessLogFor(service: string): string | null;
}

/** The rendered routes file and the digest its status server answers, to confirm a reload took effect. */
export interface RenderedNginxRoutes {
  readonly text: string;
  readonly digest: string;
}

/** Path of the status endpoint that answers the digest of the routes in force. */
export const NGINX_STATUS_PATH = "/upshift/config-digest";

/** Name of the access log format; parseNginxAccessLog reads its lines. */
export const NGINX_LOG_FORMAT = "upshift_router";

const identifier = (service: string) => `upshift_${service.replace(/-/g, "_")}`;
const nginxVariable = (kind: "header" | "cookie", name: string) =>
  kind === "header" ? `$http_${name.toLowerCase().replace(/-/g, "_")}` : `$cookie_${name}`;

function renderService(config: RouteConfig, settings: NginxRoutesSettings): string[] {
  const id = identifier(config.service);
  const versions = Object.keys(config.upstreams).sort();
  const upstreamOf = (version: string) => `${id}__${versions.indexOf(version)}`;
  const lines = [`# service ${config.service}, revision ${config.revision}`];
  const servers = nginxServerWeights(config);
  if (servers.length > 0) {
    lines.push(`upstream ${id}__weighted {`);
    for (const s of servers) lines.push(`    server ${s.address} weight=${s.weight}; # ${s.version}`);
    lines.push("    keepalive 32;", "}");
  }
  const routed = config.headerRoute;
  if (routed !== null && versions.includes(routed.version)) {
    lines.push(`upstream ${upstreamOf(routed.version)} { # ${routed.version}`);
    for (const address of config.upstreams[routed.version] ?? []) lines.push(`    server ${address};`);
    lines.push("    keepalive 8;", "}");
  }
  // A map picks the upstream group per request; proxy_pass with a variable looks the name up among
  // the declared upstream groups first (ngx_http_proxy_module, "proxy_pass").
  const fallback = servers.length > 0 ? `${id}__weighted` : '""';
  lines.push(`map ${routed === null ? "$host" : nginxVariable(routed.kind, routed.name)} $${id}_upstream {`);
  lines.push(`    default ${fallback};`);
  if (routed !== null && versions.includes(routed.version))
    lines.push(`    "${routed.value}" ${upstreamOf(routed.version)};`);
  lines.push("}");
  const log = settings.accessLogFor(config.service);
  lines.push(
    "server {",
    `    listen ${config.listen};`,
    log === null ? "    access_log off;" : `    access_log ${log} ${NGINX_LOG_FORMAT};`,
    `    if ($${id}_upstream = "") { return 503; }`,
    "    location / {",
    `        proxy_pass http://$${id}_upstream;`,
    // HTTP/1.1 and an empty Connection header let nginx keep upstream connections alive (the keepalive pool).
    "        proxy_http_version 1.1;",
    '        proxy_set_header Connection "";',
    "        proxy_set_header Host $host;",
    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    // Connection failures move to the next server; nginx never retries non-idempotent methods here.
    "        proxy_next_upstream error timeout;",
    "    }",
    "}",
  );
  return lines;
}

/**
 * Renders the routes of every service as one file for nginx's `http` context: a weighted upstream
 * per service, an upstream for a tester route's version, a `map` that picks between them by header
 * or cookie, the listening server, and a status server answering the digest of all of it.
 */
export function renderNginxRoutes(
  routes: readonly RouteConfig[],
  settings: NginxRoutesSettings,
): RenderedNginxRoutes {
  const body = [
    "# Written by Upshift's nginx traffic router; edits are overwritten.",
    // The upstream address list comes last: it holds ", " between the servers nginx tried.
    `log_format ${NGINX_LOG_FORMAT} '$msec $status $request_time $upstream_addr';`,
    ...[...routes]
      .sort((a, b) => a.service.localeCompare(b.service))
      .flatMap((r) => renderService(r, settings)),
  ].join("\n");
  const digest = createHash("sha256").update(body).digest("hex").slice(0, 32);
  const status = [
    "server {",
    `    listen ${settings.statusListen};`,
    "    access_log off;",
    `    location = ${NGINX_STATUS_PATH} { default_type text/plain; return 200 "${digest}"; }`,
    "    location / { return 404; }",
    "}",
  ];
  return { text: `${body}\n${status.join("\n")}\n`, digest };
}
