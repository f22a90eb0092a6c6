/**
 * The estimate from a sampled mutation run (`npm run test:mutation -- <scope> --sample 0.25`): the
 * sampler (`function-sample` in scripts/stryker-ignore.mjs) keeps each outermost function with
 * probability `fraction`, independently, by a seeded hash; mutants outside every function are all
 * kept. A function's mutants are one cluster. The scope's score is estimated by the ratio of
 * detected to valid mutants with each sampled function weighted 1 / fraction, and its 95 %
 * confidence interval by the usual linearisation of a ratio estimator under Poisson sampling of
 * clusters: var ≈ (1 − f) / f² · Σ (kᵢ − R·nᵢ)² / X², over the sampled clusters i (kᵢ detected, nᵢ
 * valid), X the estimated number of valid mutants.
 */
import { readFileSync } from "node:fs";

/** One sampled function, as the sampler logs it (path relative to the repository, lines inclusive). */
export interface SampledFunction {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** One valid mutant of the run: where it is and whether a test detected it. */
export interface SampledMutant {
  readonly file: string;
  readonly line: number;
  readonly detected: boolean;
}

export interface SampleEstimate {
  readonly fraction: number;
  readonly seed: string;
  /** Sampled functions that had at least one valid mutant. */
  readonly functions: number;
  /** The estimated score of the whole scope, %, one decimal. */
  readonly estimate: number;
  readonly ci95: readonly [number, number];
}

export function readSampleLog(file: string): SampledFunction[] {
  const seen = new Set<string>();
  const out: SampledFunction[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const f = JSON.parse(line) as SampledFunction;
    const key = `${f.file}:${f.start}:${f.end}`;
    if (seen.has(key)) continue; // an instrumentation that ran twice logs its functions twice
    seen.add(key);
    out.push(f);
  }
  return out;
}

const pct = (x: number) => Math.round(x * 1000) / 10;

export function sampleEstimate(
  fraction: number,
  seed: string,
  functions: readonly SampledFunction[],
  mutants: readonly SampledMutant[],
): SampleEstimate {
  // Outermost functions do not overlap, so a mutant is in at most one.
  const clusterOf = (m: SampledMutant) =>
    functions.findIndex((f) => f.file === m.file && f.start <= m.line && m.line <= f.end);
  const clusters = new Map<number, { k: number; n: number }>();
  let kOutside = 0;
  let nOutside = 0;
  for (const m of mutants) {
    const at = clusterOf(m);
    if (at < 0) {
      nOutside += 1;
      if (m.detected) kOutside += 1;
      continue;
    }
    const c = clusters.get(at) ?? { k: 0, n: 0 };
    c.n += 1;
    if (m.detected) c.k += 1;
    clusters.set(at, c);
  }
  const w = 1 / fraction;
  let k = kOutside;
  let n = nOutside;
  for (const c of clusters.values()) {
    k += w * c.k;
    n += w * c.n;
  }
  const r = n === 0 ? 1 : k / n;
  let sumSq = 0;
  for (const c of clusters.values()) sumSq += (c.k - r * c.n) ** 2;
  const se = n === 0 ? 0 : Math.sqrt(((1 - fraction) / fraction ** 2) * sumSq) / n;
  return {
    fraction,
    seed,
    functions: clusters.size,
    estimate: pct(r),
    ci95: [pct(Math.max(0, r - 1.96 * se)), pct(Math.min(1, r + 1.96 * se))],
  };
}
