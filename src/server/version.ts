import { createRequire } from "node:module";

/** The package version, read once from package.json (works from src/ and dist/). */
export const UPSHIFT_VERSION: string = (
  createRequire(import.meta.url)("../../package.json") as { version: string }
).version;
