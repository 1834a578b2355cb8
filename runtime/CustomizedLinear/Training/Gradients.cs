using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>Operations over the accumulated gradients of several layers.</summary>
public static class Gradients
{
    /// <summary>
    /// Scales all gradients like <c>torch.nn.utils.clip_grad_norm_</c> (L2 norm): the total norm is taken over
    /// every layer's <see cref="IMaskedLinear.WeightGrad"/> and <see cref="IMaskedLinear.BiasGrad"/> together
    /// (accumulated in double); with <c>coef = maxNorm / (total + 1e-6)</c>, every gradient is multiplied by
    /// <c>min(coef, 1)</c>, so nothing changes when the norm is already within <paramref name="maxNorm"/>.
    /// </summary>
    /// <param name="layers">The layers whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest allowed total norm (≥ 0).</param>
    /// <returns>The total norm of the gradients before clipping.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> contains null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    public static float ClipNorm(IEnumerable<IMaskedLinear> layers, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (!(maxNorm >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm is {maxNorm}; expected a value >= 0.");
        }

        IMaskedLinear[] all = [.. layers];
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] is null)
            {
                throw new ArgumentException($"layers[{i}] is null.", nameof(layers));
            }
        }

        double sumOfSquares = 0;
        foreach (IMaskedLinear layer in all)
        {
            sumOfSquares += SumOfSquares(layer.WeightGrad);
            if (layer.HasBias)
            {
                sumOfSquares += SumOfSquares(layer.BiasGrad);
            }
        }

        double total = Math.Sqrt(sumOfSquares);

        // Math.Min propagates NaN, so a non-finite norm poisons the gradients exactly as PyTorch's does.
        double coefficient = Math.Min(maxNorm / (total + 1e-6), 1.0);
        if (coefficient != 1.0)
        {
            float scale = (float)coefficient;
            foreach (IMaskedLinear layer in all)
            {
                Span<float> weightGrad = layer.WeightGrad;
                TensorPrimitives.Multiply(weightGrad, scale, weightGrad);
                if (layer.HasBias)
                {
                    Span<float> biasGrad = layer.BiasGrad;
                    TensorPrimitives.Multiply(biasGrad, scale, biasGrad);
                }
            }
        }

        return (float)total;
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += (double)value * value;
        }

        return sum;
    }
}
