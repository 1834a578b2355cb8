using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra.Single;
using Microsoft.ML.OnnxRuntime;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// Every configuration of the suite: the generated layer and, in the same run, its baselines on the same
/// mask and weights. bench/report.py turns the results into the table in bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    /// <summary>Name → (layer factory, batch); the mask of each layer is in bench/masks.</summary>
    public static readonly IReadOnlyDictionary<string, (Func<IMaskedLinear> Create, int Batch)> Configurations = new Dictionary<string, (Func<IMaskedLinear>, int)>
    {
        ["seed B=1"] = (() => new SeedLayer(1), 1),
        ["seed B=8"] = (() => new SeedLayer(1), 8),
        ["784x256@0.1 B=1"] = (() => new Mnist784x256(1), 1),
        ["784x256@0.1 B=64"] = (() => new Mnist784x256(1), 64),
        ["784x256@0.1 B=256"] = (() => new Mnist784x256(1), 256),
        ["MADE64 B=1"] = (() => new Made64(1), 1),
        ["MADE64 B=64"] = (() => new Made64(1), 64),
        ["1024@0.01 B=256"] = (() => new Dense1024At001(1), 256),
        ["1024@0.1 B=256"] = (() => new Dense1024At01(1), 256),
        ["1024@0.5 B=256"] = (() => new Dense1024At05(1), 256),
        ["1024@1.0 B=256"] = (() => new Dense1024At1(1), 256),
    };

    /// <summary>Restricts the run to one configuration (the quick mode).</summary>
    public static string? Only { get; set; }

    public static IEnumerable<string> ConfigurationNames => Only is null ? Configurations.Keys : [Only];

    [ParamsSource(nameof(ConfigurationNames))]
    public string Configuration { get; set; } = "";

    private IMaskedLinear _layer = null!;
    private RuntimeMaskedLinear _csr = null!;
    private float[] _input = [], _output = [], _outputGrad = [], _inputGrad = [], _dense = [], _bias = [];
    private SparseMatrix _sparse = null!;
    private DenseMatrix _inputColumns = null!, _sparseResult = null!;
    private InferenceSession _onnx = null!;
    private OrtValue _onnxInput = null!, _onnxOutput = null!;
    private RunOptions _runOptions = null!;
    private string[] _onnxInputNames = ["X"], _onnxOutputNames = ["Y"];

    [GlobalSetup]
    public void Setup()
    {
        (Func<IMaskedLinear> create, int batch) = Configurations[Configuration];
        _layer = create();
        int inputs = _layer.InputSize, outputs = _layer.OutputSize;
        var random = new Random(7);
        _input = Enumerable.Range(0, batch * inputs).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _output = new float[batch * outputs];
        _outputGrad = Enumerable.Range(0, batch * outputs).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _inputGrad = new float[batch * inputs];
        _dense = new float[outputs * inputs];
        _layer.CopyDenseWeight(_dense);
        _bias = _layer.HasBias ? _layer.Bias.ToArray() : new float[outputs];

        var mask = new bool[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                mask[i, o] = _layer.IsConnected(i, o);
            }
        }

        _csr = new RuntimeMaskedLinear(mask, _layer.HasBias, seed: 1);
        _csr.LoadDenseWeight(_dense);
        _layer.Bias.CopyTo(_csr.Bias);

        // MathNet: W [out, in] sparse times X [in, batch].
        var triples = new List<Tuple<int, int, float>>();
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (mask[i, o])
                {
                    triples.Add(Tuple.Create(o, i, _dense[o * inputs + i]));
                }
            }
        }

        _sparse = SparseMatrix.OfIndexed(outputs, inputs, triples);
        _inputColumns = DenseMatrix.Create(inputs, batch, (i, n) => _input[n * inputs + i]);
        _sparseResult = new DenseMatrix(outputs, batch);

        // ONNX Runtime: one Gemm node, one thread, W and B as initializers.
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        _onnx = new InferenceSession(OnnxGemmModel.Create(_dense, _bias, inputs, outputs, batch), options);
        _onnxInput = OrtValue.CreateTensorValueFromMemory(_input, [batch, inputs]);
        _onnxOutput = OrtValue.CreateTensorValueFromMemory(new float[batch * outputs], [batch, outputs]);
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxInput.Dispose();
        _onnxOutput.Dispose();
        _runOptions.Dispose();
        _onnx.Dispose();
    }

    [Benchmark]
    public void GeneratedForward() => _layer.Forward(_input, _output);

    [Benchmark]
    public void GeneratedForwardBackward()
    {
        _layer.Forward(_input, _output);
        _layer.Backward(_input, _outputGrad, _inputGrad);
    }

    [Benchmark]
    public void CsrForward() => _csr.Forward(_input, _output);

    [Benchmark]
    public void CsrForwardBackward()
    {
        _csr.Forward(_input, _output);
        _csr.Backward(_input, _outputGrad, _inputGrad);
    }

    /// <summary>A dense masked layer: one TensorPrimitives dot product per sample and output over W ∘ M.</summary>
    [Benchmark]
    public void DenseTensorPrimitivesForward()
    {
        int inputs = _layer.InputSize, outputs = _layer.OutputSize;
        for (int n = 0; n < _output.Length / outputs; n++)
        {
            ReadOnlySpan<float> x = _input.AsSpan(n * inputs, inputs);
            Span<float> y = _output.AsSpan(n * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                y[o] = TensorPrimitives.Dot(_dense.AsSpan(o * inputs, inputs), x) + _bias[o];
            }
        }
    }

    [Benchmark]
    public void MathNetSparseForward() => _sparse.Multiply(_inputColumns, _sparseResult);

    [Benchmark]
    public void OnnxRuntimeGemmForward() => _onnx.Run(_runOptions, _onnxInputNames, [_onnxInput], _onnxOutputNames, [_onnxOutput]);
}
