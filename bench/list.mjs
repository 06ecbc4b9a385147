// npm run bench: lists every benchmark script (run one with npm run bench:<name>).
import { readFileSync } from "node:fs";

const scripts = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).scripts;
const benches = Object.entries(scripts).filter(([name]) => name.startsWith("bench:"));
console.log("Benchmarks (each prints its figure beside a baseline measured in the same run):");
for (const [name, command] of benches) console.log(`  npm run ${name.padEnd(18)} # ${command}`);
