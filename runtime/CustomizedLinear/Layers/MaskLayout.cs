namespace CustomizedLinear;

/// <summary>How the rows and columns of a mask file map to a layer's inputs and outputs.</summary>
public enum MaskLayout
{
    /// <summary>Rows are inputs, columns are outputs (<c>[in, out]</c>): the original PyTorch module's <c>mask</c>.</summary>
    InputsByOutputs = 0,

    /// <summary>
    /// Rows are outputs, columns are inputs (<c>[out, in]</c>): shaped like <c>nn.Linear.weight</c>,
    /// as <c>torch.nn.utils.prune.custom_from_mask</c> and MADE masks are.
    /// </summary>
    OutputsByInputs = 1,
}
