// A service process for the judge's system test: answers every request after a latency drawn from
// a seeded PRNG, uniform in [20, 85] ms times FACTOR. Prints its port on stdout once listening.
import { createServer } from "node:http";

const [seedText, factorText, version] = process.argv.slice(2);
let a = Number(seedText) >>> 0;
const random = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const factor = Number(factorText);
const server = createServer((_req, res) => {
  const ms = (20 + random() * 65) * factor;
  setTimeout(() => res.writeHead(200, { "x-version": version }).end(version), ms);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
