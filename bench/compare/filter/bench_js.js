// Times scim2-parse-filter (npm) on the filter mix; prints JSON {filter: {ns} or {error}}.
// Run by run.sh, with the library installed in ../.deps/npm.
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require(path.join(__dirname, "..", ".deps", "npm", "node_modules", "scim2-parse-filter"));

function medianNs(fn, budgetS) {
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    if (Number(process.hrtime.bigint() - start) > 10e6) break;
    n *= 2;
  }
  const samples = [];
  const deadline = Date.now() + budgetS * 1000;
  while (Date.now() < deadline || samples.length < 5) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const budget = Number(process.argv[2] || 1);
const filters = fs.readFileSync(path.join(__dirname, "filters.txt"), "utf8").split("\n").filter((l) => l.trim());
const out = {};
let sink = 0;
for (const text of filters) {
  try {
    parse(text);
  } catch (e) {
    out[text] = { error: String(e.message || e).slice(0, 120) };
    continue;
  }
  out[text] = { ns: medianNs(() => { sink += parse(text) ? 1 : 0; }, budget) };
}
if (sink < 0) console.error(sink);
console.log(JSON.stringify(out));
