#!/usr/bin/env python3
"""Turns the BenchmarkDotNet JSON results of bench/CustomizedLinear.Benchmarks into the Markdown table of
bench/README.md: time per call, useful GFLOP/s (only connected weights count: 2·nnz·B forward,
6·nnz·B forward+backward), % of the peak measured by PeakProbe in the same run, and ratios to the
baselines of the same run.

    dotnet run -c Release --project bench/CustomizedLinear.Benchmarks -- --filter '*' --job short --inProcess --exporters json
    python3 bench/report.py [BenchmarkDotNet.Artifacts/results]
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MASKS = {
    "seed": "seed.txt", "784x256@0.1": "r784x256_0.1.txt", "MADE64": "made64.txt",
    "1024@0.01": "r1024_0.01.txt", "1024@0.1": "r1024_0.1.txt", "1024@0.5": "r1024_0.5.txt", "1024@1.0": "r1024_1.0.txt",
}


def connections(mask):
    with open(os.path.join(HERE, "masks", MASKS[mask])) as f:
        return sum(line.split("#")[0].count("1") for line in f)


def load(results, name):
    files = glob.glob(os.path.join(results, f"*{name}-report-full*.json"))
    if not files:
        return None, []
    with open(files[0]) as f:
        data = json.load(f)
    return data, data["Benchmarks"]


def time(ns):
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs" if ns >= 1e3 else f"{ns:.1f} ns"


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "BenchmarkDotNet.Artifacts/results"
    data, layers = load(results, "LayerBenchmarks")
    _, probe = load(results, "PeakProbe")
    _, seed = load(results, "SeedBatch1Benchmark")
    _, ceiling = load(results, "SparseLoopCeilingBenchmarks")
    if not layers or not probe:
        sys.exit("no LayerBenchmarks/PeakProbe results in " + results)

    # The probe runs on the widest accelerated vectors; BenchmarkDotNet's summary names the ISA level.
    summary = "".join(open(f).read() for f in glob.glob(os.path.join(results, "*PeakProbe-report-github.md")))
    lanes = 16 if "x86-64-v4" in summary else 8 if "x86-64-v3" in summary else 4
    peak = 1024 * 16 * 2 * lanes / probe[0]["Statistics"]["Median"]  # GFLOP/s (flops per ns)
    host = data["HostEnvironmentInfo"]
    print(f"Machine: {host.get('ProcessorName', '?').strip()}, {host.get('PhysicalCoreCount', '?')} cores, "
          f"{host.get('OsVersion', '?')}, {host.get('RuntimeVersion', '?')}, BenchmarkDotNet {host.get('BenchmarkDotNetVersion', '?')}; "
          f"in-run peak (PeakProbe, {lanes}-lane FMA, 16 chains): **{peak:.0f} GFLOP/s** single thread.\n")

    table = {}
    for b in layers:
        config = b["Parameters"].split("=", 1)[1]
        table.setdefault(config, {})[b["Method"]] = (b["Statistics"]["Median"], b.get("Memory", {}).get("BytesAllocatedPerOperation", 0))

    print("| configuration | nnz | generated fwd | GFLOP/s | % peak | vs CSR | vs TensorPrimitives | vs MathNet | vs ONNX Runtime | generated fwd+bwd | GFLOP/s | % peak | vs CSR fwd+bwd | allocated |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for config, m in table.items():
        mask, batch = config.split(" B=")
        nnz = connections(mask)
        batch = int(batch)
        fwd, fwd_alloc = m["GeneratedForward"]
        fb, fb_alloc = m["GeneratedForwardBackward"]
        gf = 2 * nnz * batch / fwd
        gfb = 6 * nnz * batch / fb
        ratio = lambda name, t: f"{m[name][0] / t:.1f}×" if name in m else "—"
        print(f"| {config} | {nnz} | {time(fwd)} | {gf:.1f} | {100 * gf / peak:.1f}% | {ratio('CsrForward', fwd)} | {ratio('DenseTensorPrimitivesForward', fwd)} | "
              f"{ratio('MathNetSparseForward', fwd)} | {ratio('OnnxRuntimeGemmForward', fwd)} | {time(fb)} | {gfb:.1f} | {100 * gfb / peak:.1f}% | "
              f"{ratio('CsrForwardBackward', fb)} | {int(fwd_alloc)} B / {int(fb_alloc)} B |")

    if seed:
        s = {b["Method"]: b["Statistics"]["Median"] for b in seed}
        print(f"\nSeed 4×3, batch 1, called on the concrete type: generated Forward **{time(s['GeneratedForward'])}**, "
              f"dense masked loop {time(s['DenseMaskedLoop'])} ({s['DenseMaskedLoop'] / s['GeneratedForward']:.1f}×).")

    if ceiling:
        # SparseLoopCeilingBenchmarks.Flops: 4096 connections × four 16-lane multiply-adds × 2.
        flops = 4096 * 4 * 16 * 2
        print("\n| transposed rows in | one-output loop, random rows | GFLOP/s | % peak | same rows, numbers computed in registers | % peak | rows in order, one load per FMA | GFLOP/s | % peak |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = {}
        for b in ceiling:
            rows.setdefault(int(b["Parameters"].split("=", 1)[1]), {})[b["Method"]] = b["Statistics"]["Median"]
        for kb, m in sorted(rows.items()):
            r, c, o = m["RandomRows"], m["ComputedRows"], m["RowsInOrder"]
            print(f"| {kb} KB | {time(r)} | {flops / r:.0f} | {100 * flops / r / peak:.0f}% | {time(c)} | {100 * flops / c / peak:.0f}% | "
                  f"{time(o)} | {flops / o:.0f} | {100 * flops / o / peak:.0f}% |")


if __name__ == "__main__":
    main()
