using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The activations between a generated network's layers: the built-ins by <see cref="FusedActivation"/> on spans
/// (forward, backward from the pre-activation, and backward from the activation's output where that is how
/// PyTorch computes it), user activations through their <see cref="IActivation"/> type, and scalar forms for
/// straight-line code. The span forms skip the built-in types' checks: the network sized every span itself.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkActivations
{
    /// <summary>
    /// <c>output = activation(input)</c>, element-wise, with the built-in type's math; <see cref="FusedActivation.None"/>
    /// copies. <paramref name="output"/> may be exactly <paramref name="input"/> (in place).
    /// </summary>
    /// <param name="activation">The built-in activation.</param>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined value.</exception>
    public static void Apply(FusedActivation activation, ReadOnlySpan<float> input, Span<float> output)
    {
        Debug.Assert(output.Length == input.Length);
        switch (activation)
        {
            case FusedActivation.None:
                CopyUnlessSame(input, output);
                break;
            case FusedActivation.ReLU:
                global::CustomizedLinear.ReLU.ForwardUnchecked(input, output);
                break;
            case FusedActivation.Tanh:
                global::CustomizedLinear.Tanh.ForwardUnchecked(input, output); // the method Tanh hides the type here
                break;
            case FusedActivation.Sigmoid:
                global::CustomizedLinear.Sigmoid.ForwardUnchecked(input, output);
                break;
            case FusedActivation.Softplus:
                global::CustomizedLinear.Softplus.ForwardUnchecked(input, output);
                break;
            case FusedActivation.SiLU:
                global::CustomizedLinear.SiLU.ForwardUnchecked(input, output);
                break;
            default:
                ThrowUnknown(activation);
                break;
        }
    }

    /// <summary>
    /// <c>inputGrad = outputGrad · activation′(input)</c>, element-wise, from the pre-activation <paramref name="input"/>
    /// with the built-in type's math; <see cref="FusedActivation.None"/> copies <paramref name="outputGrad"/>. Any of the
    /// spans may be exactly the same memory.
    /// </summary>
    /// <param name="activation">The built-in activation.</param>
    /// <param name="input">The forward pass's input (the pre-activation).</param>
    /// <param name="outputGrad">The gradient with respect to the activation's output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined value.</exception>
    public static void Backward(FusedActivation activation, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        Debug.Assert(outputGrad.Length == input.Length && inputGrad.Length == input.Length);
        switch (activation)
        {
            case FusedActivation.None:
                CopyUnlessSame(outputGrad, inputGrad);
                break;
            case FusedActivation.ReLU:
                global::CustomizedLinear.ReLU.BackwardUnchecked(input, outputGrad, inputGrad);
                break;
            case FusedActivation.Tanh:
                global::CustomizedLinear.Tanh.BackwardUnchecked(input, outputGrad, inputGrad);
                break;
            case FusedActivation.Sigmoid:
                global::CustomizedLinear.Sigmoid.BackwardUnchecked(input, outputGrad, inputGrad);
                break;
            case FusedActivation.Softplus:
                global::CustomizedLinear.Softplus.BackwardUnchecked(input, outputGrad, inputGrad);
                break;
            case FusedActivation.SiLU:
                global::CustomizedLinear.SiLU.BackwardUnchecked(input, outputGrad, inputGrad);
                break;
            default:
                ThrowUnknown(activation);
                break;
        }
    }

    /// <summary>
    /// Whether <see cref="BackwardFromOutput"/> serves <paramref name="activation"/>: ReLU, Tanh and Sigmoid, whose
    /// derivatives PyTorch itself computes from the result (<c>threshold_backward</c>, <c>tanh_backward</c>,
    /// <c>sigmoid_backward</c>), so a network need not keep their pre-activations. Softplus and SiLU need the input.
    /// </summary>
    /// <param name="activation">The built-in activation.</param>
    public static bool CanBackwardFromOutput(FusedActivation activation) =>
        activation is FusedActivation.ReLU or FusedActivation.Tanh or FusedActivation.Sigmoid;

    /// <summary>
    /// <c>inputGrad = outputGrad · activation′</c> from the activation's <em>output</em> <c>y</c>, as PyTorch computes it:
    /// ReLU <c>y &lt;= 0 ? 0 : g</c> (so a NaN passes its gradient, as from the input), Tanh <c>g · (1 − y²)</c>,
    /// Sigmoid <c>g · (1 − y) · y</c>. Any of the spans may be exactly the same memory.
    /// </summary>
    /// <param name="activation">ReLU, Tanh or Sigmoid (<see cref="CanBackwardFromOutput"/>).</param>
    /// <param name="output">The forward pass's output, the activation.</param>
    /// <param name="outputGrad">The gradient with respect to <paramref name="output"/>.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to the pre-activation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not ReLU, Tanh or Sigmoid.</exception>
    public static void BackwardFromOutput(FusedActivation activation, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        Debug.Assert(outputGrad.Length == output.Length && inputGrad.Length == output.Length);
        switch (activation)
        {
            case FusedActivation.ReLU:
                ElementwiseLoop.Apply<ReluFromOutput>(output, outputGrad, inputGrad);
                break;
            case FusedActivation.Tanh:
                ElementwiseLoop.Apply<TanhFromOutput>(output, outputGrad, inputGrad);
                break;
            case FusedActivation.Sigmoid:
                ElementwiseLoop.Apply<SigmoidFromOutput>(output, outputGrad, inputGrad);
                break;
            default:
                ThrowNotFromOutput(activation);
                break;
        }
    }

    /// <summary>
    /// <c>output = TActivation(input)</c>: a user activation from generated code, through the constraint, so that
    /// explicitly implemented static members are reached too.
    /// </summary>
    /// <typeparam name="TActivation">The activation type.</typeparam>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation.</param>
    public static void Forward<TActivation>(ReadOnlySpan<float> input, Span<float> output)
        where TActivation : IActivation => TActivation.Forward(input, output);

    /// <summary><c>inputGrad = outputGrad · TActivation′(input)</c>, through the constraint (see <see cref="Forward{TActivation}"/>).</summary>
    /// <typeparam name="TActivation">The activation type.</typeparam>
    /// <param name="input">The forward pass's input (the pre-activation).</param>
    /// <param name="outputGrad">The gradient with respect to the activation's output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    public static void Backward<TActivation>(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
        where TActivation : IActivation => TActivation.Backward(input, outputGrad, inputGrad);

    /// <summary><c>max(x, 0)</c>, NaN for NaN as <c>torch.relu</c> (MathF.Max propagates NaN), as <see cref="CustomizedLinear.ReLU"/>.</summary>
    /// <param name="x">The pre-activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => MathF.Max(x, 0f);

    /// <summary><c>tanh(x)</c>, as <see cref="CustomizedLinear.Tanh"/> (whose vectorised tanh may differ in the last ulps).</summary>
    /// <param name="x">The pre-activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary><c>1 / (1 + exp(−x))</c>, as <see cref="CustomizedLinear.Sigmoid"/>.</summary>
    /// <param name="x">The pre-activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary><c>x &gt; 20 ? x : log(1 + exp(x))</c> (<c>nn.Softplus()</c>), with <see cref="CustomizedLinear.Softplus"/>'s log1p.</summary>
    /// <param name="x">The pre-activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x)
    {
        if (x > 20f)
        {
            return x;
        }

        // The type's log1p(e): log(w) · e / (w − 1) divides the rounding of w = 1 + e back out, and where w rounds
        // to 1 the result is e itself (softplus far below 0).
        float e = MathF.Exp(x);
        float w = e + 1f;
        float wMinusOne = w - 1f;
        return wMinusOne == 0f ? e : MathF.Log(w) * (e / wMinusOne);
    }

    /// <summary><c>x / (1 + exp(−x))</c>, as <see cref="CustomizedLinear.SiLU"/> and PyTorch.</summary>
    /// <param name="x">The pre-activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float x) => x / (1f + MathF.Exp(-x));

    private static void CopyUnlessSame(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination)))
        {
            source.CopyTo(destination);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnknown(FusedActivation activation) =>
        throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a built-in activation.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotFromOutput(FusedActivation activation) =>
        throw new ArgumentOutOfRangeException(
            nameof(activation), activation, "Only ReLU, Tanh and Sigmoid have a backward pass from their output (CanBackwardFromOutput); pass the pre-activation to Backward.");

    /// <summary>PyTorch's threshold_backward on the result: <c>y &lt;= 0 ? 0 : g</c>, a selection, so exact.</summary>
    private readonly struct ReluFromOutput : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> y, Vector<float> outputGrad) =>
            Vector.ConditionalSelect(Vector.LessThanOrEqual(y, Vector<float>.Zero), Vector<float>.Zero, outputGrad);
    }

    /// <summary>PyTorch's tanh_backward: <c>g · (1 − y²)</c>.</summary>
    private readonly struct TanhFromOutput : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> y, Vector<float> outputGrad) =>
            outputGrad * (Vector<float>.One - (y * y));
    }

    /// <summary>PyTorch's sigmoid_backward, in its order: <c>g · (1 − y) · y</c>.</summary>
    private readonly struct SigmoidFromOutput : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> y, Vector<float> outputGrad) =>
            outputGrad * (Vector<float>.One - y) * y;
    }
}
