using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Planning;

/// <summary>Decides how a network runs (see <see cref="NetworkPlan"/>); the reasons are in <c>README.md</c> here.</summary>
internal static class NetworkPlanner
{
    /// <summary>
    /// Built-in activations whose derivative PyTorch itself computes from the output (threshold_backward,
    /// tanh_backward, sigmoid_backward): fused into the layer before them, their input is never kept.
    /// </summary>
    private static readonly string[] FromOutput = ["ReLU", "Tanh", "Sigmoid"];

    public static NetworkPlan Plan(IReadOnlyList<ModuleEntry> modules, IReadOnlyList<int> widths, IReadOnlyList<LayerModel> layerOfModule)
    {
        int count = modules.Count;
        var fused = new string[count];
        var inferenceFused = new string[count];
        for (int m = 0; m < count; m++)
        {
            bool layerThenBuiltIn = modules[m].IsLayer && m + 1 < count && !modules[m + 1].IsLayer && modules[m + 1].BuiltIn.Length > 0;
            fused[m] = layerThenBuiltIn && BacksFromOutput(modules[m + 1]) ? modules[m + 1].BuiltIn : "";
            inferenceFused[m] = layerThenBuiltIn ? modules[m + 1].BuiltIn : "";
        }

        var offsets = new int[count + 1];
        int perSample = 0;
        for (int v = 0; v <= count; v++)
        {
            if (Kept(modules, fused, v))
            {
                offsets[v] = perSample;
                perSample += widths[v];
            }
            else
            {
                offsets[v] = -1;
            }
        }

        int hidden = count > 1 ? Enumerable.Range(1, count - 1).Max(v => widths[v]) : 0;
        return new NetworkPlan(StraightLine(modules, widths, layerOfModule), fused.ToEquatableArray(), inferenceFused.ToEquatableArray(), offsets.ToEquatableArray(), perSample, hidden);
    }

    public static bool BacksFromOutput(ModuleEntry module) => !module.IsLayer && FromOutput.Contains(module.BuiltIn);

    /// <summary>Whether <c>Backward</c> reads value <paramref name="v"/>, so <c>ForwardTraining</c> must keep it.</summary>
    private static bool Kept(IReadOnlyList<ModuleEntry> modules, string[] fused, int v)
    {
        int count = modules.Count;
        if (v == 0)
        {
            // A layer needs its input for the weight gradient, an activation other than ReLU/Tanh/Sigmoid for its derivative.
            return !BacksFromOutput(modules[0]);
        }

        if (v == count)
        {
            // The caller owns the output span; a last ReLU/Tanh/Sigmoid back-propagates from a copy of it.
            return BacksFromOutput(modules[count - 1]);
        }

        // In between every value is materialised and kept, except a layer's output that its fused activation
        // turns into the next value inside the kernel.
        return fused[v - 1].Length == 0;
    }

    /// <summary>
    /// One straight-line method when it stays within what a single unrolled method may hold: every layer unrolled,
    /// at most <see cref="KernelLimits.MaxTermsPerMethod"/> terms (<see cref="KernelPlanner.VectorCost"/>) and
    /// <see cref="KernelLimits.MaxStraightLineValues"/> values on its stack frame, and only built-in activations (a
    /// user's activation is called on spans, so it would cut the method into the per-layer path anyway).
    /// </summary>
    private static bool StraightLine(IReadOnlyList<ModuleEntry> modules, IReadOnlyList<int> widths, IReadOnlyList<LayerModel> layerOfModule)
    {
        long terms = 0;
        long values = 0;
        for (int m = 0; m < modules.Count; m++)
        {
            if (modules[m].IsLayer)
            {
                LayerModel layer = layerOfModule[m];
                if (!layer.Kernels.Unrolled)
                {
                    return false;
                }

                // As a layer's per-sample forward pass counts its parts: gathered connections twice.
                terms += KernelPlanner.ForwardUnits(layer.OutputSize, layer.OutputStarts, layer.ConnectionInputs).Sum(u => (long)u.Cost);
            }
            else if (modules[m].BuiltIn.Length == 0)
            {
                return false;
            }

            values += widths[m + 1];
        }

        return terms <= KernelLimits.MaxTermsPerMethod && values <= KernelLimits.MaxStraightLineValues;
    }
}
