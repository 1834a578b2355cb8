namespace CustomizedLinear.Generator.Model;

/// <summary>
/// How a network's generated methods run its modules, decided by <see cref="Planning.NetworkPlanner"/> before
/// anything is emitted. Values are numbered as they flow: value 0 is the input, value <c>m + 1</c> the output of
/// module <c>m</c>, the last one the network's output.
/// </summary>
/// <param name="StraightLine">
/// Below the batch kernels' threshold, each sample runs through one straight-line method for the whole network:
/// every connection written out, four at a time as 128-bit products, activations inline, the values between
/// layers in the method's own stack frame.
/// </param>
/// <param name="FusedActivations">
/// Per module, for <c>ForwardTraining</c>: for a layer whose next module is a built-in activation that can
/// back-propagate from its output, that activation's <c>FusedActivation</c> name, applied in the layer kernel's
/// output pass (the layer's own output is then never kept); otherwise empty.
/// </param>
/// <param name="InferenceFusedActivations">
/// Per module, for <c>Forward</c>, which keeps nothing: every built-in activation after a layer is applied in the
/// layer kernel's output pass. Softplus and SiLU compute each element with the same vector code whatever the
/// layout, so <c>ForwardTraining</c>, applying them as a sweep of their own, gets the same bits.
/// </param>
/// <param name="SavedOffsets">
/// Per value: where <c>ForwardTraining</c> keeps it for <c>Backward</c>, in floats per sample of the training buffer
/// (the value's block starts at <c>batch × offset</c>); -1 when <c>Backward</c> does not need it.
/// </param>
/// <param name="SavedPerSample">Floats per sample of the training buffer.</param>
/// <param name="HiddenWidth">The widest value between two modules, for <c>Forward</c>'s and <c>Backward</c>'s two scratch halves.</param>
internal sealed record NetworkPlan(
    bool StraightLine,
    EquatableArray<string> FusedActivations,
    EquatableArray<string> InferenceFusedActivations,
    EquatableArray<int> SavedOffsets,
    int SavedPerSample,
    int HiddenWidth);
