#!/usr/bin/env bash
# Builds and runs a project with one generated layer of 10^3 … 10^6 connections (or the counts given
# as arguments) and prints a Markdown table: generated source size, `dotnet build` time of the project
# (its dependencies already built) and the result of running the layer against a dense check.
#   bench/scale/build-times.sh            # 1000 10000 100000 1000000
#   bench/scale/build-times.sh 1000000    # just one
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
counts=${*:-1000 10000 100000 1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build "$repo/bench/CustomizedLinear.GeneratorBenchmarks" -c Release -nologo -v q >/dev/null
masks="$repo/bench/CustomizedLinear.GeneratorBenchmarks/bin/Release/net10.0/CustomizedLinear.GeneratorBenchmarks.dll"

echo "| connections | layer (in × out) | mask file | generated source | dotnet build | run |"
echo "|---:|---|---:|---:|---:|---|"
for n in $counts; do
  dir="$work/scale$n"
  mkdir -p "$dir"
  shape=$(dotnet "$masks" --write-mask "$n" "$dir/mask.txt")
  cat > "$dir/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/runtime/CustomizedLinear/CustomizedLinear.csproj" />
    <ProjectReference Include="$repo/generator/CustomizedLinear.Generator/CustomizedLinear.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <AdditionalFiles Include="mask.txt" />
  </ItemGroup>
</Project>
XML
  cat > "$dir/Program.cs" <<'CS'
using System;
using CustomizedLinear;

[MaskedLinear("mask.txt")]
public partial class Layer { }

public static class Program
{
    public static int Main()
    {
        const int Batch = 4;
        var layer = new Layer(seed: 1);
        var random = new Random(2);
        var x = new float[Batch * Layer.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        var y = new float[Batch * Layer.OutputSize];
        layer.Forward(x, y);
        layer.Backward(x, y, new float[x.Length]);

        // Check Forward against a dense loop over the layer's own weights.
        var w = new float[Layer.OutputSize * Layer.InputSize];
        layer.CopyDenseWeight(w);
        double maxDiff = 0;
        for (int n = 0; n < Batch; n++)
            for (int o = 0; o < Layer.OutputSize; o++)
            {
                double sum = layer.Bias[o];
                for (int i = 0; i < Layer.InputSize; i++) sum += (double)w[o * Layer.InputSize + i] * x[n * Layer.InputSize + i];
                maxDiff = Math.Max(maxDiff, Math.Abs(sum - y[n * Layer.OutputSize + o]));
            }

        Console.WriteLine($"{(maxDiff < 1e-3 ? "ok" : "WRONG")}: {Layer.ConnectionCount} connections, max abs(forward - dense) = {maxDiff:E1}");
        return maxDiff < 1e-3 ? 0 : 1;
    }
}
CS
  dotnet build "$repo/runtime/CustomizedLinear" -c Release -nologo -v q >/dev/null
  dotnet build "$repo/generator/CustomizedLinear.Generator" -c Release -nologo -v q >/dev/null
  dotnet restore "$dir" -nologo -v q >/dev/null
  start=$(date +%s.%N)
  if ! dotnet build "$dir" -c Release --no-restore --no-dependencies -nologo -v q >"$dir/build.log" 2>&1; then
    cat "$dir/build.log"; exit 1
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  source_bytes=$(stat -c %s "$(find "$dir/obj" -name '*.MaskedLinear.g.cs' | head -1)")
  mask_bytes=$(stat -c %s "$dir/mask.txt")
  result=$(dotnet "$dir/bin/Release/net10.0/App.dll")
  printf '| %s | %s | %.0f KB | %.0f KB | %.1f s | %s |\n' "$n" "${shape/ / × }" \
    "$(echo "$mask_bytes / 1024" | bc -l)" "$(echo "$source_bytes / 1024" | bc -l)" "$seconds" "$result"
done
