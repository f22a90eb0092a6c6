// The estimate a sampled mutation run reports (scripts/mutation-sample.ts): exact when everything
// was sampled, weighted by 1 / fraction for sampled functions, and an interval that covers the
// true score of a known population in most draws.
import { describe, expect, it } from "vitest";
import { type SampledFunction, type SampledMutant, sampleEstimate } from "../../scripts/mutation-sample.js";

const fn = (file: string, start: number, end: number): SampledFunction => ({ file, start, end });
const mutant = (file: string, line: number, detected: boolean): SampledMutant => ({ file, line, detected });

describe("sampleEstimate", () => {
  it("with every cluster of a census-like sample, gives the plain score", () => {
    const functions = [fn("a.ts", 1, 10), fn("a.ts", 20, 30)];
    const mutants = [mutant("a.ts", 2, true), mutant("a.ts", 3, false), mutant("a.ts", 25, true)];
    const e = sampleEstimate(0.999999, "s", functions, mutants);
    expect(e.estimate).toBe(66.7);
    expect(e.functions).toBe(2);
    expect(e.ci95[0]).toBeCloseTo(66.7, 0);
  });

  it("weights sampled functions by 1 / fraction against mutants outside every function", () => {
    // Outside: 10 mutants, all detected (kept always). Inside one sampled function at 50 %:
    // 10 mutants, none detected, standing for 20 in the scope: 10 / 30.
    const outside = Array.from({ length: 10 }, (_, i) => mutant("b.ts", 100 + i, true));
    const inside = Array.from({ length: 10 }, (_, i) => mutant("b.ts", 2 + i, false));
    const e = sampleEstimate(0.5, "s", [fn("b.ts", 1, 20)], [...outside, ...inside]);
    expect(e.estimate).toBe(33.3);
  });

  it("matches mutants to functions by file as well as by line", () => {
    const e = sampleEstimate(
      0.5,
      "s",
      [fn("a.ts", 1, 10)],
      [mutant("a.ts", 5, false), mutant("b.ts", 5, true)],
    );
    // b.ts:5 is outside every sampled function: counted once; a.ts:5 counts twice.
    expect(e.estimate).toBe(33.3);
  });

  it("covers a known population's score in about 95 % of random samples", () => {
    // 400 functions of 1–20 mutants each, with function-specific kill rates (clustered, like code).
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const population: { f: SampledFunction; mutants: SampledMutant[] }[] = [];
    for (let i = 0; i < 400; i++) {
      const f = fn("p.ts", i * 100, i * 100 + 50);
      const rate = random() < 0.3 ? random() * 0.6 : 0.8 + random() * 0.2;
      const size = 1 + Math.floor(random() * 20);
      const mutants = Array.from({ length: size }, (_, j) => mutant("p.ts", f.start + j, random() < rate));
      population.push({ f, mutants });
    }
    const all = population.flatMap((p) => p.mutants);
    const truth = (all.filter((m) => m.detected).length / all.length) * 100;
    let covered = 0;
    const draws = 200;
    for (let d = 0; d < draws; d++) {
      const picked = population.filter(() => random() < 0.2);
      const e = sampleEstimate(
        0.2,
        String(d),
        picked.map((p) => p.f),
        picked.flatMap((p) => p.mutants),
      );
      if (e.ci95[0] <= truth && truth <= e.ci95[1]) covered += 1;
    }
    expect(covered / draws).toBeGreaterThan(0.88);
    expect(covered / draws).toBeLessThan(0.995);
  });
});
