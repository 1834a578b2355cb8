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

    private static readonly string[] NetworkSteps =
    [
        TrackingNames.NetworkDeclarations, TrackingNames.NetworkHintNames, TrackingNames.GeneratedLayers, TrackingNames.NetworkLayers,
        TrackingNames.Networks, TrackingNames.NetworkDiagnostics, TrackingNames.NetworkSources,
    ];

    /// <summary>Layers A, B (in N1), C (in N2) and D (in no network), each class in its own file; masks with every input and output connected.</summary>
    private static GeneratorRun TwoNetworks() => GeneratorHarness.Run(
        [
            (Src + "/A.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"a.txt\")] public partial class A { }"),
            (Src + "/B.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"b.txt\", Bias = false)] public partial class B { }"),
            (Src + "/C.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"c.txt\")] public partial class C { }"),
            (Src + "/D.cs", "namespace Demo; [CustomizedLinear.MaskedLinear(\"d.txt\")] public partial class D { }"),
            (Src + "/N1.cs", N1Source),
            (Src + "/N2.cs", N2Source),
            (Src + "/Unrelated.cs", "namespace Demo; public static class Unrelated { public static int Value => 1; }"),
        ],
        [
            (Src + "/a.txt", "1 0 1\n0 1 1\n"),
            (Src + "/b.txt", "1 1\n0 1\n1 0\n"),
            (Src + "/c.txt", "1 1\n0 1\n"),
            (Src + "/d.txt", "1 0\n1 1\n"),
            (Src + "/notes.txt", "not a mask at all"),
        ],
        trackSteps: true);

    private const string N1Source = "using CustomizedLinear;\nnamespace Demo;\n[Sequential(typeof(A), typeof(ReLU), typeof(B))]\npublic partial class N1 { }\n";

    private const string N2Source = "using CustomizedLinear;\nnamespace Demo;\n[Sequential(typeof(C))]\npublic partial class N2 { }\n";

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
    public void AnEditAboveANetworkReEmitsNoNetworkSource()
    {
        // The network's model carries no locations, so a line added above its declaration reaches no source output.
        GeneratorRun run = TwoNetworks();
        SyntaxTree tree = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("/N1.cs", StringComparison.Ordinal));
        Compilation edited = run.InputCompilation.ReplaceSyntaxTree(
            tree, CSharpSyntaxTree.ParseText("// a new first line\n" + tree.GetText(), GeneratorHarness.ParseOptions, tree.FilePath));

        GeneratorRunResult result = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result.TrackedSteps[TrackingNames.NetworkSources], TrackingNames.NetworkSources, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(result.TrackedSteps[TrackingNames.Sources], TrackingNames.Sources, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
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
        foreach ((GeneratorRun run, string[] steps) in new[] { (TwoLayers(), OurSteps), (TwoNetworks(), [.. OurSteps, .. NetworkSteps]) })
        {
            GeneratorRunResult result = run.Driver.GetRunResult().Results.Single();
            AssertEveryStepHasOutputs(result);
            foreach (string step in steps)
            {
                Assert.True(result.TrackedSteps.TryGetValue(step, out var runs) && runs.SelectMany(r => r.Outputs).Any(), $"step '{step}' has no outputs");
                foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
                {
                    string? found = ForbiddenObjectFinder.Find(output.Value);
                    Assert.True(found is null, $"step {step} holds {found}");
                }
            }
        }
    }

    [Fact]
    public void EditingAMaskReRunsItsLayerAndTheNetworkHoldingItOnly()
    {
        GeneratorRun run = TwoNetworks();
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Info);
        Assert.Equal(6, run.GeneratedSources.Length);
        AdditionalText oldMask = FindAdditionalText(run, "a.txt");

        // The same size, other connections, still every input and output connected (no diagnostic comes or goes).
        GeneratorDriver driver = run.Driver.ReplaceAdditionalText(oldMask, new InMemoryAdditionalText(oldMask.Path, "1 1 0\n0 1 1\n"));
        GeneratorRunResult result = driver.RunGenerators(run.InputCompilation).GetRunResult().Results.Single();

        AssertEveryNetworkStepHasOutputs(result);
        Assert.Empty(result.Diagnostics);
        var layers = Outputs(result, TrackingNames.Layers, v => (v as Model.LayerResult)?.Layer?.ClassName);
        Assert.Equal(["A", "B", "C", "D"], layers.Keys.Order());
        Assert.Equal(IncrementalStepRunReason.Modified, layers["A"]);
        Assert.All(["B", "C", "D"], name => Assert.Equal(IncrementalStepRunReason.Cached, layers[name]));

        var layerSources = Outputs(result, TrackingNames.Sources, v => (v as Model.LayerModel)?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, layerSources["A"]);
        Assert.All(["B", "C", "D"], name => Assert.Equal(IncrementalStepRunReason.Cached, layerSources[name]));

        // N1 holds A: checked again and re-emitted. N2 sees its own layers unchanged, so its build is not even re-run.
        var matched = Outputs(result, TrackingNames.NetworkLayers, v => (v as NetworkInput)?.Declaration.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, matched["N1"]);
        Assert.Equal(IncrementalStepRunReason.Unchanged, matched["N2"]);
        var networks = Outputs(result, TrackingNames.Networks, v => (v as Model.NetworkResult)?.Network?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, networks["N1"]);
        Assert.Contains(networks["N2"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        var networkSources = Outputs(result, TrackingNames.NetworkSources, v => (v as Model.NetworkModel)?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, networkSources["N1"]);
        Assert.Contains(networkSources["N2"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        AssertReasons(result.TrackedSteps[TrackingNames.NetworkDeclarations], TrackingNames.NetworkDeclarations, IncrementalStepRunReason.Cached);
        AssertReasons(result.TrackedSteps[TrackingNames.NetworkDiagnostics], TrackingNames.NetworkDiagnostics, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);

        // What reaches the source outputs again: A's layer and N1, nothing else.
        Assert.Equal(["A", "N1"], ReEmitted(result));
        Assert.NotEqual(Generated(run.Driver.GetRunResult().Results.Single(), "Demo.N1.Sequential.g.cs"), Generated(result, "Demo.N1.Sequential.g.cs"));
        Assert.Equal(Generated(run.Driver.GetRunResult().Results.Single(), "Demo.N2.Sequential.g.cs"), Generated(result, "Demo.N2.Sequential.g.cs"));
    }

    [Fact]
    public void AnUnrelatedCSharpEditReEmitsNoNetwork()
    {
        GeneratorRun run = TwoNetworks();
        SyntaxTree unrelated = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("Unrelated.cs", StringComparison.Ordinal));
        Compilation edited = run.InputCompilation.ReplaceSyntaxTree(
            unrelated,
            CSharpSyntaxTree.ParseText("namespace Demo; public static class Unrelated { public static int Value => 2; }", GeneratorHarness.ParseOptions, unrelated.FilePath));

        GeneratorRunResult result = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertEveryNetworkStepHasOutputs(result);
        foreach (string step in OurSteps.Concat(NetworkSteps))
        {
            AssertReasons(result.TrackedSteps[step], step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertReasons(result.TrackedOutputSteps.SelectMany(s => s.Value), "source output", IncrementalStepRunReason.Cached);
        Assert.Empty(ReEmitted(result));
    }

    [Fact]
    public void EditingOneNetworksAttributeRegeneratesThatNetworkOnly()
    {
        GeneratorRun run = TwoNetworks();
        SyntaxTree n2 = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("/N2.cs", StringComparison.Ordinal));
        Compilation edited = run.InputCompilation.ReplaceSyntaxTree(
            n2,
            CSharpSyntaxTree.ParseText(N2Source.Replace("typeof(C)", "typeof(C), typeof(ReLU)", StringComparison.Ordinal), GeneratorHarness.ParseOptions, n2.FilePath));

        GeneratorRunResult result = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertEveryNetworkStepHasOutputs(result);
        Assert.Empty(result.Diagnostics);
        foreach (string step in OurSteps)
        {
            AssertReasons(result.TrackedSteps[step], step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        var declarations = Outputs(result, TrackingNames.NetworkDeclarations, v => (v as Model.NetworkDeclaration)?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, declarations["N2"]);
        Assert.Contains(declarations["N1"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        var networks = Outputs(result, TrackingNames.Networks, v => (v as Model.NetworkResult)?.Network?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, networks["N2"]);
        Assert.Contains(networks["N1"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        var networkSources = Outputs(result, TrackingNames.NetworkSources, v => (v as Model.NetworkModel)?.ClassName);
        Assert.Equal(IncrementalStepRunReason.Modified, networkSources["N2"]);
        Assert.Contains(networkSources["N1"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });

        Assert.Equal(["N2"], ReEmitted(result));
        Assert.Contains("(1): ReLU()", result.GeneratedSources.Single(s => s.HintName == "Demo.N2.Sequential.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoRunsOfOneProjectGiveEqualButDistinctStepOutputs()
    {
        // Value equality, not reference equality: the second run's models are new objects that compare equal to the first's.
        GeneratorRunResult first = TwoNetworks().Driver.GetRunResult().Results.Single();
        GeneratorRunResult second = TwoNetworks().Driver.GetRunResult().Results.Single();
        foreach (string step in OurSteps.Concat(NetworkSteps))
        {
            var a = first.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            var b = second.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i++)
            {
                Assert.True(ValuesEqual(a[i], b[i]), $"step {step}, output {i}: {a[i]} and {b[i]} differ");
                if (a[i] is { } value && !value.GetType().IsValueType && value is not string)
                {
                    Assert.False(ReferenceEquals(a[i], b[i]), $"step {step}, output {i}: the same object in two runs, so equality was not by value");
                    Assert.True(a[i]!.GetHashCode() == b[i]!.GetHashCode(), $"step {step}, output {i}: equal values with different hash codes");
                }
            }
        }
    }

    /// <summary>Equality as the driver compares step outputs: <c>Collect</c>'s arrays element by element, everything else by <c>Equals</c>.</summary>
    private static bool ValuesEqual(object? a, object? b)
    {
        if (a?.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            return b is not null && b.GetType() == type && ((IEnumerable)a).Cast<object?>().SequenceEqual(((IEnumerable)b).Cast<object?>());
        }

        return Equals(a, b);
    }

    /// <summary>The network models and everything they hold: sealed, equatable to their own type, and only through value-equatable fields.</summary>
    [Theory]
    [InlineData(typeof(Model.NetworkDeclaration))]
    [InlineData(typeof(Model.ModuleEntry))]
    [InlineData(typeof(NetworkInput))]
    [InlineData(typeof(Model.NetworkModel))]
    [InlineData(typeof(Model.NetworkPlan))]
    [InlineData(typeof(Model.NetworkResult))]
    [InlineData(typeof(Model.LayerResult))]
    [InlineData(typeof(Model.LayerInput))]
    public void ModelTypesAreValueEquatableAllTheWayDown(Type model)
    {
        string? problem = ValueEquality.Problem(model);
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void TheValueEqualityCheckRejectsArraysListsAndSymbols()
    {
        // Negative control for the check above.
        Assert.Contains("Inner[]", ValueEquality.Problem(typeof(Holder)) ?? "", StringComparison.Ordinal);
        Assert.NotNull(ValueEquality.Problem(typeof(WithList)));
        Assert.NotNull(ValueEquality.Problem(typeof(WithSymbol)));
        Assert.NotNull(ValueEquality.Problem(typeof(WithImmutableArray)));
        Assert.Null(ValueEquality.Problem(typeof(Fine)));
    }

    private sealed record WithList(List<int> Items);

    private sealed record WithSymbol(ISymbol Symbol);

    private sealed record WithImmutableArray(ImmutableArray<int> Items);

    private sealed record Fine(string Name, Model.EquatableArray<int> Items, Model.LocationInfo? Where);

    /// <summary>
    /// The source outputs that ran again (an output Modified or New), named by the model that reached them: the class
    /// name of a layer or network, "(diagnostics)" for a list of diagnostics.
    /// </summary>
    private static List<string> ReEmitted(GeneratorRunResult result) =>
        [.. result.TrackedOutputSteps.SelectMany(s => s.Value)
            .Where(step => step.Outputs.Any(o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New))
            .SelectMany(step => step.Inputs)
            .Select(input => input.Source.Outputs[input.OutputIndex].Value switch
            {
                Model.LayerModel layer => layer.ClassName,
                Model.NetworkModel network => network.ClassName,
                Model.EquatableArray<Model.DiagnosticInfo> => "(diagnostics)",
                var other => $"({other})",
            })
            .Order(StringComparer.Ordinal)];

    private static string Generated(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>Each output of a step by the name <paramref name="key"/> gives it, with its reason; every output must have a name, once.</summary>
    private static Dictionary<string, IncrementalStepRunReason> Outputs(GeneratorRunResult result, string step, Func<object?, string?> key)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.All(outputs, o => Assert.NotNull(key(o.Value)));
        return outputs.ToDictionary(o => key(o.Value)!, o => o.Reason);
    }

    private static void AssertEveryNetworkStepHasOutputs(GeneratorRunResult result)
    {
        AssertEveryStepHasOutputs(result);
        foreach (string step in NetworkSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs) && runs.SelectMany(r => r.Outputs).Any(), $"step '{step}' has no outputs");
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

/// <summary>Whether a pipeline model type compares by value all the way down (by reflection over its fields).</summary>
internal static class ValueEquality
{
    /// <summary>Why <paramref name="type"/> is not value-equatable, or <see langword="null"/>.</summary>
    public static string? Problem(Type type) => Problem(type, new HashSet<Type>(), type.Name);

    private static string? Problem(Type type, HashSet<Type> seen, string path)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            type = underlying;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Microsoft.CodeAnalysis.Text.TextSpan)
            || type == typeof(Microsoft.CodeAnalysis.Text.LinePositionSpan) || !seen.Add(type))
        {
            return null;
        }

        // Descriptors are static singletons of the catalogue, equal to themselves.
        if (type == typeof(DiagnosticDescriptor))
        {
            return null;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Model.EquatableArray<>))
        {
            return Problem(type.GetGenericArguments()[0], seen, $"{path}<{type.GetGenericArguments()[0].Name}>");
        }

        if (type.IsArray || type.IsInterface || type == typeof(object) || typeof(IEnumerable).IsAssignableFrom(type))
        {
            return $"{path} is a {type.Name}, which compares by reference";
        }

        if (!type.IsValueType && !type.IsSealed)
        {
            return $"{path} ({type.Name}) is not sealed, so a derived type could compare differently";
        }

        if (!typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type))
        {
            return $"{path} ({type.Name}) does not implement IEquatable<{type.Name}>";
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (Problem(field.FieldType, seen, $"{path}.{field.Name}") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
