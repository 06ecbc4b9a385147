// npm run bench:validate — validate one file of 10,000 Service documents; the baseline is a bare
// yaml parse of the same file in the same process. Target: validation costs at most 3x the parse.
import { parseAllDocuments } from "yaml";
import { validateSources } from "../src/core/documents/validate-documents.js";
import { measure, verdict } from "./measure.js";

const COUNT = 10_000;
const docs: string[] = [];
for (let i = 0; i < COUNT; i++) {
  const requires =
    i > 10
      ? `\n  requires:\n    - { api: api-${i - 1}, range: "^1.0.0" }\n    - { api: api-${i - 7}, range: ">=1.2 <3" }`
      : "";
  docs.push(`apiVersion: upshift.dev/v1alpha1
kind: Service
metadata:
  name: svc-${i}
  labels: { team: team-${i % 40}, tier: "${i % 4}" }
spec:
  owner: team-${i % 40}
  tier: ${i % 4}
  version: 1.${i % 10}.${i % 7}
  provides:
    - { api: api-${i}, version: 1.${i % 10}.0 }${requires}
  dependsOn: [${i > 0 ? `svc-${i - 1}` : ""}]
`);
}
const text = docs.join("---\n");
const file = { name: "fleet.yaml", text };

const parse = measure(
  "yaml.parseAllDocuments + toJS",
  5,
  () => parseAllDocuments(text).map((d) => (Array.isArray(d) ? null : d.toJS())).length,
);
const validate = measure("validateSources", 5, () => validateSources([file]));
if (validate.result.problems.length > 0)
  throw new Error(`bench input is invalid: ${validate.result.problems[0]?.message}`);

const ratio = validate.medianMs / parse.medianMs;
console.log(`file: ${COUNT} Service documents, ${(text.length / 1024 / 1024).toFixed(1)} MiB`);
console.log(
  `baseline  ${parse.label}: ${parse.medianMs.toFixed(0)} ms (${Math.round(COUNT / (parse.medianMs / 1000))} documents/s)`,
);
console.log(
  `upshift   ${validate.label}: ${validate.medianMs.toFixed(0)} ms (${Math.round(COUNT / (validate.medianMs / 1000))} documents/s)`,
);
console.log(`ratio validate/parse: ${ratio.toFixed(2)}x (target <= 3x: ${verdict(ratio <= 3)})`);
