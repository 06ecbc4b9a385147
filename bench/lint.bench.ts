// npm run bench:lint — lint one generated file of 10,000 statements; the baseline is merely
// parsing the same file with @pgsql/parser (libpg_query) in the same process. The figure is the
// ratio: what the linter's rules, positions and acknowledgements cost on top of the real parser.
import { parseSync } from "@pgsql/parser";
import { lintMigration } from "../src/core/migrations/lint-migration.js";
import { loadSqlParser } from "../src/core/migrations/sql-statements.js";

const COUNT = 10_000;
// Same bound as bench:validate. Most of the gap is garbage collection: the linter keeps the parse
// tree alive while it walks it, where the baseline drops it at once.
const TARGET_RATIO = 3;

/** Ten statement shapes a real migration history contains: safe ones, hazards and acknowledged ones. */
const SHAPES: readonly ((i: number) => string)[] = [
  (i) =>
    `CREATE TABLE IF NOT EXISTS t${i} (id bigint PRIMARY KEY, name varchar(40), created timestamptz DEFAULT now())`,
  (i) => `ALTER TABLE t${i - 1} ADD COLUMN IF NOT EXISTS note_${i} text`,
  (i) =>
    `-- backfill batch ${i}, café\nUPDATE accounts SET tier = 'basic' WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999}`,
  (i) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_${i}_idx ON accounts (lower(email), created)`,
  (i) =>
    `ALTER TABLE accounts ADD CONSTRAINT accounts_fk_${i} FOREIGN KEY (plan_id) REFERENCES plans (id) NOT VALID`,
  (i) => `ALTER TABLE accounts VALIDATE CONSTRAINT accounts_fk_${i}`,
  (i) =>
    `-- upshift-lint-ack: create-index-non-concurrently lookup table of ${i} rows\nCREATE INDEX IF NOT EXISTS plans_${i}_idx ON plans (code)`,
  (i) => `ALTER TABLE accounts ADD COLUMN IF NOT EXISTS token_${i} uuid DEFAULT gen_random_uuid()`,
  (i) =>
    `INSERT INTO audit (kind, payload) VALUES ('migration', '{"step": ${i}}'::jsonb) ON CONFLICT DO NOTHING`,
  (i) =>
    `CREATE OR REPLACE VIEW v${i} AS SELECT a.id, count(*) AS n FROM accounts a JOIN plans p ON p.id = a.plan_id GROUP BY a.id`,
];

const statements = ["SET lock_timeout = '2s'", "SET statement_timeout = '5s'"];
for (let i = statements.length; i < COUNT; i++)
  statements.push((SHAPES[i % SHAPES.length] as (i: number) => string)(i));
const text = `-- upshift: phase=expand\n${statements.join(";\n\n")};\n`;

/** Median of a list of numbers. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Milliseconds one call of `work` takes. */
function time<T>(work: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = work();
  return { ms: performance.now() - start, result };
}

await loadSqlParser();
// Warm up both, then alternate parse and lint so that load from other processes on the shared
// machine hits both sides alike; the figure is the median of the per-round ratios.
parseSync(text);
lintMigration("V1__generated.sql", text);
const ROUNDS = 7;
const parseMs: number[] = [];
const lintMs: number[] = [];
const ratios: number[] = [];
let parsed = parseSync(text);
let linted = lintMigration("V1__generated.sql", text).lint;
for (let round = 0; round < ROUNDS; round++) {
  const p = time(() => parseSync(text));
  const l = time(() => lintMigration("V1__generated.sql", text).lint);
  parsed = p.result;
  linted = l.result;
  parseMs.push(p.ms);
  lintMs.push(l.ms);
  ratios.push(l.ms / p.ms);
}
if (linted.statementCount !== COUNT || (parsed.stmts?.length ?? 0) !== COUNT) {
  throw new Error(`expected ${COUNT} statements, linted ${linted.statementCount}`);
}
const perSecond = (ms: number) => Math.round(COUNT / (ms / 1000)).toLocaleString("en-US");
const ratio = median(ratios);
const [parseMedian, lintMedian] = [median(parseMs), median(lintMs)];
console.log(
  `file: ${COUNT} statements, ${(text.length / 1024 / 1024).toFixed(2)} MiB, ${linted.findings.length} findings`,
);
console.log(
  `baseline  @pgsql/parser parseSync: ${parseMedian.toFixed(0)} ms (${perSecond(parseMedian)} statements/s)`,
);
console.log(
  `upshift   lintMigration:           ${lintMedian.toFixed(0)} ms (${perSecond(lintMedian)} statements/s)`,
);
console.log(
  `ratio lint/parse (median of ${ROUNDS} rounds): ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "target met" : "TARGET MISSED"})`,
);
