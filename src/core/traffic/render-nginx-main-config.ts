/** Paths and settings of an nginx that Upshift runs itself (tests, demo, benchmark). */
export interface NginxMainSettings {
  /** Directory for the pid file, error log and temp paths; nginx never writes outside it. */
  readonly directory: string;
  /** The routes file this configuration includes. */
  readonly routesFile: string;
  /** `user` directive; only meaningful when nginx starts as root, omitted when null. */
  readonly user: string | null;
  readonly workerProcesses: number;
}

/** The pid file of an nginx rendered by renderNginxMainConfig. */
export function nginxPidFile(directory: string): string {
  return `${directory}/nginx.pid`;
}

/** The error log of an nginx rendered by renderNginxMainConfig. */
export function nginxErrorLog(directory: string): string {
  return `${directory}/error.log`;
}

/** Renders a whole nginx.conf that keeps every file it writes inside its own directory. */
export function renderNginxMainConfig(settings: NginxMainSettings): string {
  const dir = settings.directory;
  return [
    "# Written by Upshift for an nginx it runs itself.",
    ...(settings.user === null ? [] : [`user ${settings.user};`]),
    `worker_processes ${settings.workerProcesses};`,
    `pid ${nginxPidFile(dir)};`,
    `error_log ${nginxErrorLog(dir)} notice;`,
    "events { worker_connections 1024; }",
    "http {",
    `    client_body_temp_path ${dir}/temp/client_body;`,
    `    proxy_temp_path ${dir}/temp/proxy;`,
    `    fastcgi_temp_path ${dir}/temp/fastcgi;`,
    `    uwsgi_temp_path ${dir}/temp/uwsgi;`,
    `    scgi_temp_path ${dir}/temp/scgi;`,
    "    access_log off;",
    `    include ${settings.routesFile};`,
    "}",
    "",
  ].join("\n");
}
