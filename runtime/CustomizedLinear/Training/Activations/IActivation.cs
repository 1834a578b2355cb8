using System;

namespace CustomizedLinear;

/// <summary>
/// An element-wise activation as a type, such as <see cref="ReLU"/>: its members are static, so code generic over
/// <c>T : IActivation</c> calls <c>T.Forward(...)</c> and <c>T.Backward(...)</c> with no instance (explicitly
/// implemented members work too). A parameterised activation (a LeakyReLU slope, say) is its own type.
/// </summary>
/// <remarks>
/// Both members work on spans of any length (a whole batch, a block, one sample), element by element. The
/// spans must have the same length; any two of them may be exactly the same memory (in place) but must not
/// partially overlap. The built-in types throw <see cref="ArgumentException"/> otherwise, with
/// <see cref="ArgumentException.ParamName"/> the span that disagrees with <c>input</c>.
/// </remarks>
public interface IActivation
{
    /// <summary><c>output = f(input)</c>, element-wise.</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>.</param>
    static abstract void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary><c>inputGrad = outputGrad · f′(input)</c>, element-wise: dLoss/dInput from dLoss/dOutput.</summary>
    /// <param name="input">The forward pass's input (the pre-activation, not the activation).</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    static abstract void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad);
}
