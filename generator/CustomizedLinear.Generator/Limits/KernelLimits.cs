using System.Collections.Generic;

namespace CustomizedLinear.Generator.Limits;

/// <summary>
/// The sizes at which the kernel plan changes shape (see <see cref="Planning.KernelPlanner"/>); beside
/// <see cref="MaskLimits"/>, which bounds what is accepted at all.
/// </summary>
internal static class KernelLimits
{
    /// <summary>
    /// Above this many connections, or inputs plus outputs, a layer gets the table-driven kernels: unrolled code
    /// costs about 100 bytes of source per connection (forward, input gradient, weight gradient) and a statement
    /// per input and output, the index data about <see cref="TableBytesPerConnection"/>, so this keeps an
    /// unrolled layer under about 1 MB of source.
    /// </summary>
    public const int MaxUnrolledConnections = 8192;

    /// <summary>Source bytes per connection of the index data ("123, " and its share of the line).</summary>
    public const int TableBytesPerConnection = 6;

    /// <summary>
    /// Terms per unrolled method: connections, a gathered one counting twice in the forward pass
    /// (<see cref="Planning.KernelPlanner.VectorCost"/>). A scalar term is about 30 bytes of IL; RyuJIT falls back to
    /// minimal optimization above 60 KB of IL in one method, so 1024 terms keeps every part well below that. It also
    /// keeps a method of vector sums within the JIT's inlining budget: 2,016 connections in one method (16 KB of IL)
    /// had none of the sums' helpers inlined.
    /// </summary>
    public const int MaxTermsPerMethod = 1024;

    /// <summary>
    /// A network whose straight-line method would hold more values than this (every unit of every module, the ones
    /// between layers on the method's stack frame) takes the per-layer path instead: 8 KB of stack per call is
    /// plenty, and a method of mostly bias-only units gains nothing from being one method.
    /// </summary>
    public const int MaxStraightLineValues = 2048;

    /// <summary>Terms per unrolled statement: keeps lines readable and expression trees shallow.</summary>
    public const int TermsPerStatement = 8;

    /// <summary>
    /// The terms of each statement of an unrolled sum of <paramref name="terms"/> terms, at most
    /// <see cref="TermsPerStatement"/> each; an empty sum is one statement (<c>= 0</c> or the bias). The planner
    /// cuts methods into parts at these statements and the emitter writes them, so both count them here.
    /// </summary>
    public static IEnumerable<int> SumStatementTerms(int terms)
    {
        if (terms == 0)
        {
            yield return 0;
            yield break;
        }

        for (int i = 0; i < terms; i += TermsPerStatement)
        {
            yield return System.Math.Min(TermsPerStatement, terms - i);
        }
    }

    /// <summary>
    /// The per-sample kernels of a table-driven layer read eight connections per step; a layer is marked as made
    /// of contiguous runs when at least half of these chunks are eight consecutive inputs.
    /// </summary>
    public const int ContiguousRunLength = 8;
}
