/**
 * Layer rules from DESIGN.md "Layers": imports point inward only.
 * core <- engine <- (store, adapters) <- (server, cli). core is pure: no IO modules.
 */
const IO_MODULES = [
  "^(node:)?(fs|fs/promises|net|tls|dgram|http|https|http2|child_process|cluster|worker_threads|dns|os|readline|process|v8|vm|inspector)$",
  "^(pg|pg-.*|better-sqlite3|kysely|fastify|@fastify/.*|pino|commander|nodemailer|undici|ws|amqplib|nats|redis|ioredis|mysql2)$",
];
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment:
        "src/core must not do IO: no file system, network, processes or database drivers (STYLE.md principle 1).",
      severity: "error",
      from: { path: "^src/core/" },
      to: {
        dependencyTypes: [
          "core",
          "npm",
          "npm-dev",
          "npm-optional",
          "npm-peer",
          "npm-no-pkg",
          "npm-unknown",
          "unknown",
        ],
        path: IO_MODULES,
      },
    },
    {
      name: "core-imports-only-core",
      comment: "src/core imports nothing of the project outside src/core.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "engine-inward-only",
      comment: "src/engine may use core and its own ports, never store, adapters, server or cli.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: "^src/(store|adapters|server|cli)/" },
    },
    {
      name: "store-inward-only",
      comment: "src/store serves engine, server and cli; it must not import them or the adapters.",
      severity: "error",
      from: { path: "^src/store/" },
      to: { path: "^src/(engine|adapters|server|cli)/" },
    },
    {
      name: "adapters-inward-only",
      comment: "adapters implement ports; they must not import server or cli.",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(server|cli)/" },
    },
    {
      name: "runtime-is-a-leaf",
      comment:
        "src/runtime (running this package's own modules in other processes and threads) serves every layer but core; it imports nothing of the project.",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/", pathNot: "^src/runtime/" },
    },
    {
      name: "server-not-cli",
      comment: "the server must not depend on the CLI.",
      severity: "error",
      from: { path: "^src/server/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".js"],
    },
  },
};
