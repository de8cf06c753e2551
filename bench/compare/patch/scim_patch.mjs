// npm scim-patch on the 16 PATCH requests of requests.json, each applied to a fresh deep
// copy of its target (what scim-core's bench does with Resource::clone + patch::apply).
// Prints JSON: {name: {ops_per_sec, error}}, plus "all 16".
// Usage: node scim_patch.mjs <repo root> <path to scim-patch's package>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [root, pkg] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { scimPatch } = require(pkg);

const doc = JSON.parse(readFileSync(path.join(root, "bench/compare/patch/requests.json"), "utf8"));
const targets = Object.fromEntries(
  Object.entries(doc.resources).map(([k, p]) => [k, JSON.parse(readFileSync(path.join(root, p), "utf8"))]),
);

// A recursive deep copy: faster than scim-patch's own JSON round trip
// (mutateDocument: false), so scim-patch is measured at its best.
function copy(v) {
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const k in v) o[k] = copy(v[k]);
    return o;
  }
  return v;
}

const options = { mutateDocument: true, treatMissingAsAdd: true };

// One fresh copy of `target`, or (null) of each request's target, for the mix.
const fresh = (target) => (target === null ? ok.map(([r]) => copy(targets[r.target])) : copy(target));

// Median ops/s of `rounds` rounds of `n` calls of apply(copy), where the copies are made
// before each round (outside the timing), as criterion's batched setup does for scim-core.
function measure(target, apply, rounds = 9, ms = 150) {
  const timeRound = (n) => {
    const copies = Array.from({ length: n }, () => fresh(target));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) apply(copies[i]);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  let n = 16;
  for (;;) {
    const dt = timeRound(n);
    if (dt > 0.03) { n = Math.max(16, Math.round((n * ms) / 1000 / dt)); break; }
    n *= 2;
  }
  const rates = [];
  for (let r = 0; r < rounds; r++) rates.push(n / timeRound(n));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

// Hot: the same, but in rounds of `k` copies made right before they are applied and timed
// round by round (as scim-core's `_hot` groups do with criterion's batches of 32, or 4 for
// the mix): the copies are in the cache, as for a service provider that has just decoded
// the resource. Median ops/s of `rounds` measurements of about `ms` each.
function measureHot(target, apply, k, rounds = 9, ms = 150) {
  const once = () => {
    let ops = 0;
    let ns = 0n;
    const end = process.hrtime.bigint() + BigInt(ms * 1e6);
    while (process.hrtime.bigint() < end) {
      const copies = Array.from({ length: k }, () => fresh(target));
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < k; i++) apply(copies[i]);
      ns += process.hrtime.bigint() - t0;
      ops += k;
    }
    return ops / (Number(ns) / 1e9);
  };
  once();
  const rates = Array.from({ length: rounds }, once).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const out = {};
const ok = [];
for (const r of doc.requests) {
  const target = targets[r.target];
  const apply = (doc) => scimPatch(doc, r.patch.Operations, options);
  try {
    apply(copy(target));
  } catch (e) {
    out[r.name] = { ops_per_sec: null, error: String((e && e.message) || e) };
    continue;
  }
  ok.push([r, apply]);
  out[r.name] = { ops_per_sec: measure(target, apply), hot_ops_per_sec: measureHot(target, apply, 32) };
}
// The mix: one call applies each of the requests to a fresh copy of its target.
const applyAll = (copies) => { ok.forEach(([, apply], i) => apply(copies[i])); };
const all = measure(null, applyAll);
const allHot = measureHot(null, applyAll, 4);
out["all 16"] = { ops_per_sec: all * ok.length, hot_ops_per_sec: allHot * ok.length, applied: ok.length };
console.log(JSON.stringify(out));
