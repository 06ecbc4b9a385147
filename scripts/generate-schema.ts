// Writes schema/upshift.schema.json from the zod schemas (npm run schema).
import { mkdirSync, writeFileSync } from "node:fs";
import { documentsJsonSchema } from "../src/core/documents/json-schema.js";

const target = new URL("../schema/upshift.schema.json", import.meta.url);
mkdirSync(new URL("../schema/", import.meta.url), { recursive: true });
writeFileSync(target, `${JSON.stringify(documentsJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
