namespace CustomizedLinear.Generator.Model;

/// <summary>An additional file's text (<see langword="null"/> when it could not be read).</summary>
/// <param name="Path">The file's path as the compiler gave it; diagnostics inside the mask use it.</param>
/// <param name="NormalizedPath">The same path normalized for matching (see <c>MaskPaths</c>).</param>
internal sealed record MaskFileText(string Path, string NormalizedPath, string? Text);
