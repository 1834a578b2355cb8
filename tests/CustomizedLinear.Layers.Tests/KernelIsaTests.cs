using System;
using System.Globalization;
using System.Runtime.Intrinsics;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// Which vector width the batch kernels run with. CI runs the correctness tests once per width
/// (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0) and sets
/// CL_EXPECTED_VECTOR_BITS for each leg, so a leg that silently ran another path fails here.
/// </summary>
public sealed class KernelIsaTests
{
    [Fact]
    public void TheBatchKernelsRunWithTheExpectedVectorWidth()
    {
        string? expected = Environment.GetEnvironmentVariable("CL_EXPECTED_VECTOR_BITS");
        int widest = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        Assert.Equal(expected is null ? widest : int.Parse(expected, CultureInfo.InvariantCulture), SparseKernels.VectorBits);
        Assert.Equal(widest == 0 ? int.MaxValue : widest / 32, SparseKernels.MinBatch);
    }
}
