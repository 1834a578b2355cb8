using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>Edits re-run only what they touch: every pipeline step is tracked and its outputs are values.</summary>
public sealed class IncrementalTests
{
    private const string Src = GeneratorHarness.SourceDirectory;

    private static readonly string[] OurSteps =
    [
        TrackingNames.Declarations, TrackingNames.HintNames, TrackingNames.UniqueDeclarations, TrackingNames.MaskPaths,
        TrackingNames.AdditionalFiles, TrackingNames.AllAdditionalFiles, TrackingNames.ProjectDirectory,
        TrackingNames.MatchedMasks, TrackingNames.Layers, TrackingNames.Diagnostics, TrackingNames.Sources,
    ];

    private static GeneratorRun TwoLayers() => GeneratorHarness.Run(
        [
            (Src + "/A.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"a.txt\")] public partial class A { }"),
            (Src + "/B.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"b.txt\", Bias = false)] public partial class B { }"),
            (Src + "/Unrelated.cs", "namespace Demo; public static class Unrelated { public static int Value => 1; }"),
        ],
        [
            (Src + "/a.txt", "1 0 1\n0 1 0\n"),
            (Src + "/b.txt", "1 1\n0 1\n1 0\n"),
            (Src + "/notes.txt", "not a mask at all"),
        ],
        trackSteps: true);

    [Fact]
    public void AnUnrelatedCSharpEditReEmitsNothing()
    {
        GeneratorRun run = TwoLayers();
        SyntaxTree unrelated = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("Unrelated.cs", StringComparison.Ordinal));
        Compilation edited = run.InputCompilation.ReplaceSyntaxTree(
            unrelated,
            CSharpSyntaxTree.ParseText("namespace Demo; public static class Unrelated { public static int Value => 2; }", GeneratorHarness.ParseOptions, unrelated.FilePath));

        GeneratorRunResult result = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertEveryStepHasOutputs(result);
        foreach (string step in OurSteps)
        {
            AssertReasons(result.TrackedSteps[step], step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertReasons(result.TrackedOutputSteps.SelectMany(s => s.Value), "source output", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void AnEditAboveALargeLayerMovesItsDiagnosticsButReEmitsNoSource()
    {
        // The table-driven layer reports CL0016 at its attribute; a line added above moves that location.
        GeneratorRun run = GeneratorHarness.Run(
            [(Src + "/Large.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"large.txt\")] public partial class Large { }")],
            [(Src + "/large.txt", SnapshotTests.LargeMask())],
            trackSteps: true);
        SyntaxTree tree = run.InputCompilation.SyntaxTrees.Single();
        Compilation edited = run.InputCompilation.ReplaceSyntaxTree(
            tree, CSharpSyntaxTree.ParseText("// a new first line\n" + tree.GetText(), GeneratorHarness.ParseOptions, tree.FilePath));

        GeneratorRunResult result = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[TrackingNames.Diagnostics].SelectMany(s => s.Outputs).Single().Reason);
        AssertReasons(result.TrackedSteps[TrackingNames.Sources], TrackingNames.Sources, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.Contains(result.Diagnostics, d => d.Id == "CL0016" && d.Location.GetLineSpan().StartLinePosition.Line == 1);
    }

    [Fact]
    public void EditingOneMaskReRunsOnlyThatLayer()
    {
        GeneratorRun run = TwoLayers();
        Assert.Equal(2, run.GeneratedSources.Length);
        AdditionalText oldMask = FindAdditionalText(run, "a.txt");
        GeneratorDriver driver = run.Driver.ReplaceAdditionalText(oldMask, new InMemoryAdditionalText(oldMask.Path, "1 1 1\n0 1 0\n"));

        GeneratorRunResult result = driver.RunGenerators(run.InputCompilation).GetRunResult().Results.Single();

        AssertEveryStepHasOutputs(result);
        var layers = result.TrackedSteps[TrackingNames.Layers].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(layers, o => LayerName(o.Value) == "A").Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(layers, o => LayerName(o.Value) == "B").Reason);

        var sources = result.TrackedSteps[TrackingNames.Sources].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(sources, o => (o.Value as Model.LayerModel)?.ClassName == "A").Reason);
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(sources, o => (o.Value as Model.LayerModel)?.ClassName == "B").Reason);
        Assert.Contains("public const int ConnectionCount = 4;", result.GeneratedSources.Single(s => s.HintName == "Demo.A.MaskedLinear.g.cs").SourceText.ToString());
    }

    [Fact]
    public void EditingAnUnrelatedAdditionalFileReEmitsNothing()
    {
        GeneratorRun run = TwoLayers();
        AdditionalText notes = FindAdditionalText(run, "notes.txt");
        GeneratorDriver driver = run.Driver.ReplaceAdditionalText(notes, new InMemoryAdditionalText(notes.Path, "edited notes"));

        GeneratorRunResult result = driver.RunGenerators(run.InputCompilation).GetRunResult().Results.Single();

        AssertEveryStepHasOutputs(result);
        AssertReasons(result.TrackedSteps[TrackingNames.MatchedMasks], TrackingNames.MatchedMasks, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(result.TrackedSteps[TrackingNames.Layers], TrackingNames.Layers, IncrementalStepRunReason.Cached);
        AssertReasons(result.TrackedOutputSteps.SelectMany(s => s.Value), "source output", IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void NoStepOutputHoldsASymbolSyntaxNodeCompilationOrLocation()
    {
        GeneratorRunResult result = TwoLayers().Driver.GetRunResult().Results.Single();
        AssertEveryStepHasOutputs(result);
        foreach (string step in OurSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                string? found = ForbiddenObjectFinder.Find(output.Value);
                Assert.True(found is null, $"step {step} holds {found}");
            }
        }
    }

    [Fact]
    public void TheForbiddenObjectWalkFindsAPlantedLocation()
    {
        // Negative control: the walk must see through records, arrays and collections.
        Location planted = Location.Create("/x.cs", default, default);
        var holder = new Holder("ok", [new Inner(null), new Inner(new object[] { 1, ImmutableArray.Create<object>(planted) })]);
        Assert.Contains(nameof(Location), ForbiddenObjectFinder.Find(holder));
        Assert.Null(ForbiddenObjectFinder.Find(new Holder("ok", [new Inner(null)])));
    }

    private sealed record Holder(string Name, Inner[] Items);

    private sealed record Inner(object? Payload);

    private static string? LayerName(object? value) => value is Model.LayerResult result ? result.Layer?.ClassName : null;

    private static AdditionalText FindAdditionalText(GeneratorRun run, string name) =>
        run.AdditionalTexts.Single(t => t.Path.EndsWith("/" + name, StringComparison.Ordinal));

    /// <summary>A misspelt tracking name must not pass vacuously: each of our steps ran and produced outputs.</summary>
    private static void AssertEveryStepHasOutputs(GeneratorRunResult result)
    {
        foreach (string step in OurSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs) && runs.SelectMany(r => r.Outputs).Any(), $"step '{step}' has no outputs");
        }

        Assert.NotEmpty(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs));
    }

    private static void AssertReasons(IEnumerable<IncrementalGeneratorRunStep> steps, string name, params IncrementalStepRunReason[] allowed)
    {
        foreach (var output in steps.SelectMany(s => s.Outputs))
        {
            Assert.True(allowed.Contains(output.Reason), $"step '{name}': output {output.Value} was {output.Reason}, expected {string.Join(" or ", allowed)}");
        }
    }
}

/// <summary>Walks an object graph for Roslyn objects that must never be cached in a pipeline.</summary>
internal static class ForbiddenObjectFinder
{
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(Location), typeof(SemanticModel), typeof(SyntaxTree)];

    public static string? Find(object? root) => Find(root, new HashSet<object>(ReferenceEqualityComparer.Instance), "value", 0);

    private static string? Find(object? value, HashSet<object> seen, string path, int depth)
    {
        if (value is null || depth > 32)
        {
            return null;
        }

        Type type = value.GetType();
        if (Forbidden.FirstOrDefault(f => f.IsAssignableFrom(type)) is { } forbidden)
        {
            return $"a {forbidden.Name} at {path}";
        }

        if (type.IsPrimitive || type.IsEnum || value is string || value is DiagnosticDescriptor || (!type.IsValueType && !seen.Add(value)))
        {
            return null;
        }

        if (value is IEnumerable sequence)
        {
            int index = 0;
            foreach (object? item in sequence)
            {
                if (Find(item, seen, $"{path}[{index++}]", depth + 1) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (Find(field.GetValue(value), seen, $"{path}.{field.Name}", depth + 1) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
