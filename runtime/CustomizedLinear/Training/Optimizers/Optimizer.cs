using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace CustomizedLinear;

/// <summary>
/// Base of the <c>torch.optim</c>-style optimizers. The parameters are every layer's
/// <see cref="IMaskedLinear.Weights"/> and, when <see cref="IMaskedLinear.HasBias"/>, its
/// <see cref="IMaskedLinear.Bias"/>, updated from <see cref="IMaskedLinear.WeightGrad"/> and
/// <see cref="IMaskedLinear.BiasGrad"/>. Only connected weights exist in the packed spans, so only
/// connected weights are ever updated. Per-parameter state (momentum buffers, moments) lives in the
/// optimizer and is allocated on the first <see cref="Step()"/>.
/// </summary>
public abstract class Optimizer
{
    private readonly IMaskedLinear[] _layers;

    // Parameter i is layer _parameterLayer[i]'s weights, or its bias when _parameterIsBias[i].
    private readonly int[] _parameterLayer;
    private readonly bool[] _parameterIsBias;

    private float _learningRate;
    private float[]? _scratch;

    /// <summary>A network's layers, for the constructors that take a network; null is reported as <c>network</c>.</summary>
    private protected static IReadOnlyList<IMaskedLinear> LayersOf(IMaskedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers;
    }

    /// <summary>Creates an optimizer over the parameters of <paramref name="layers"/>.</summary>
    /// <param name="layers">The layers to optimize; enumerated once, here.</param>
    /// <param name="learningRate">The learning rate; must be non-negative.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> contains null or the same layer twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or NaN.</exception>
    protected Optimizer(IEnumerable<IMaskedLinear> layers, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
        var seen = new HashSet<IMaskedLinear>(ReferenceEqualityComparer.Instance);
        var parameterLayer = new List<int>(2 * _layers.Length);
        var parameterIsBias = new List<bool>(2 * _layers.Length);
        for (int i = 0; i < _layers.Length; i++)
        {
            IMaskedLinear layer = _layers[i]
                ?? throw new ArgumentException($"layers[{i}] is null.", nameof(layers));
            if (!seen.Add(layer))
            {
                // torch.optim warns about duplicate parameters; here they would be updated twice per step.
                throw new ArgumentException($"layers[{i}] appears more than once; each layer may be optimized once.", nameof(layers));
            }

            parameterLayer.Add(i);
            parameterIsBias.Add(false);
            if (layer.HasBias)
            {
                parameterLayer.Add(i);
                parameterIsBias.Add(true);
            }
        }

        _parameterLayer = [.. parameterLayer];
        _parameterIsBias = [.. parameterIsBias];
        Layers = Array.AsReadOnly(_layers);
        ValidateLearningRate(learningRate, "lr");
        _learningRate = learningRate;
    }

    /// <summary>The learning rate used by the next <see cref="Step()"/>; may be changed between steps (schedules).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            ValidateLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>The optimized layers, in the order given.</summary>
    protected ReadOnlyCollection<IMaskedLinear> Layers { get; }

    /// <summary>
    /// The number of parameters: one per layer for its weights, plus one per layer with a bias.
    /// Parameter indices are stable for the optimizer's lifetime, so they can key per-parameter state.
    /// </summary>
    protected int ParameterCount => _parameterLayer.Length;

    /// <summary>Sets every layer's <see cref="IMaskedLinear.WeightGrad"/> and <see cref="IMaskedLinear.BiasGrad"/> to zero.</summary>
    public void ZeroGrad()
    {
        foreach (IMaskedLinear layer in _layers)
        {
            layer.ZeroGrad();
        }
    }

    /// <summary>Performs one update of every parameter from the accumulated gradients.</summary>
    public abstract void Step();

    /// <summary>
    /// <see cref="Step()"/> on up to <paramref name="degreeOfParallelism"/> threads, for the training loops that run a
    /// network's passes on several threads. Optimizers whose update is element-wise without scratch (<see cref="Adam"/>,
    /// <see cref="AdamW"/>) split the parameters into chunks and give the same bits as <see cref="Step()"/>; the others
    /// (<see cref="Sgd"/>, and subclasses that do not override this) run <see cref="Step()"/> on the calling thread.
    /// </summary>
    /// <param name="degreeOfParallelism">At most this many threads; 1 is <see cref="Step()"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degreeOfParallelism"/> is less than 1.</exception>
    public virtual void Step(int degreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        Step();
    }

    /// <summary>
    /// Returns parameter <paramref name="index"/> (a layer's packed weights or its bias) and its gradient.
    /// </summary>
    /// <param name="index">The parameter index, in <c>[0, ParameterCount)</c>.</param>
    /// <param name="gradient">The gradient of the parameter; the same length as the returned span.</param>
    /// <exception cref="InvalidOperationException">The layer's gradient length differs from its parameter length.</exception>
    protected Span<float> GetParameter(int index, out ReadOnlySpan<float> gradient)
    {
        IMaskedLinear layer = _layers[_parameterLayer[index]];
        Span<float> parameter;
        if (_parameterIsBias[index])
        {
            parameter = layer.Bias;
            gradient = layer.BiasGrad;
        }
        else
        {
            parameter = layer.Weights;
            gradient = layer.WeightGrad;
        }

        if (gradient.Length != parameter.Length)
        {
            string name = _parameterIsBias[index] ? "BiasGrad" : "WeightGrad";
            throw new InvalidOperationException(
                $"Layer {_parameterLayer[index]}'s {name} has {gradient.Length} values; expected the parameter's length, {parameter.Length}.");
        }

        return parameter;
    }

    /// <summary>
    /// Returns the per-parameter state buffer <paramref name="state"/>[<paramref name="index"/>], allocating it
    /// (zeroed) with <paramref name="length"/> values when it does not exist yet.
    /// </summary>
    private protected static float[] GetState(float[]?[] state, int index, int length, out bool created)
    {
        float[]? buffer = state[index];
        created = buffer is null;
        if (buffer is null)
        {
            buffer = new float[length];
            state[index] = buffer;
        }
        else if (buffer.Length != length)
        {
            throw new InvalidOperationException(
                $"Parameter {index} has {length} values, but its optimizer state was created for {buffer.Length}.");
        }

        return buffer;
    }

    /// <summary>
    /// A scratch span of <paramref name="length"/> values, shared by all parameters of this optimizer:
    /// one buffer, sized for the largest parameter on first use, instead of an allocation per step.
    /// </summary>
    private protected Span<float> Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            int largest = length;
            for (int i = 0; i < ParameterCount; i++)
            {
                IMaskedLinear layer = _layers[_parameterLayer[i]];
                largest = Math.Max(largest, _parameterIsBias[i] ? layer.Bias.Length : layer.Weights.Length);
            }

            _scratch = new float[largest];
        }

        return _scratch.AsSpan(0, length);
    }

    private protected static void ValidateNonNegative(float value, string paramName, string what)
    {
        // "!(value >= 0)" also rejects NaN.
        if (!(value >= 0f))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Invalid {what}: {value}; expected a value >= 0.");
        }
    }

    private static void ValidateLearningRate(float value, string paramName) =>
        ValidateNonNegative(value, paramName, "learning rate");
}
