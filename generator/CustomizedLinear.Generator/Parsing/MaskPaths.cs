using System;
using System.Collections.Generic;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>
/// Resolves the attribute's mask path against the declaring file and normalizes paths for matching,
/// as plain string work (a generator may not touch the file system).
/// </summary>
internal static class MaskPaths
{
    /// <summary>The full path <paramref name="maskPath"/> means when written in <paramref name="sourceFilePath"/>.</summary>
    public static string Resolve(string sourceFilePath, string maskPath)
    {
        if (IsRooted(maskPath))
        {
            return Normalize(maskPath);
        }

        string directory = Directory(Normalize(sourceFilePath));
        return Normalize(directory.Length == 0 ? maskPath : directory + "/" + maskPath);
    }

    /// <summary>Forward slashes, no <c>.</c> or <c>..</c> segments, no doubled separators.</summary>
    public static string Normalize(string path)
    {
        string slashed = path.Replace('\\', '/');
        bool rooted = slashed.StartsWith("/", StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (string segment in slashed.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != ".." && !IsDrive(segments[segments.Count - 1]))
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        // A UNC path (\\server\share) keeps its leading double slash.
        string prefix = slashed.StartsWith("//", StringComparison.Ordinal) ? "//" : rooted ? "/" : "";
        return prefix + string.Join("/", segments);
    }

    /// <summary><paramref name="fullPath"/> relative to <paramref name="directory"/> when it lies below it, else unchanged.</summary>
    public static string RelativeTo(string? directory, string fullPath)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return fullPath;
        }

        string root = Normalize(directory!).TrimEnd('/') + "/";
        return fullPath.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? fullPath.Substring(root.Length) : fullPath;
    }

    private static string Directory(string normalizedPath)
    {
        int slash = normalizedPath.LastIndexOf('/');
        return slash < 0 ? "" : normalizedPath.Substring(0, slash);
    }

    private static bool IsRooted(string path) =>
        path.StartsWith("/", StringComparison.Ordinal) || path.StartsWith("\\", StringComparison.Ordinal) || (path.Length >= 2 && path[1] == ':');

    private static bool IsDrive(string segment) => segment.Length == 2 && segment[1] == ':';
}
