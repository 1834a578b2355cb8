using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// Verified-file snapshots: <c>Snapshots/NAME.verified.EXT</c> is checked in; on a mismatch (or when it is
/// missing) the test writes <c>NAME.received.EXT</c> beside it and fails with a diff. Run the tests with
/// <c>CL_ACCEPT_SNAPSHOTS=1</c> to accept the new output.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "CL_ACCEPT_SNAPSHOTS";

    private const int ContextLines = 3;
    private const int MaxDiffLines = 80;

    public static void Verify(string actual, string name, string extension = "cs", [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string verified = Path.Combine(directory, $"{name}.verified.{extension}");
        string received = Path.Combine(directory, $"{name}.received.{extension}");
        string text = Scrub(Normalize(actual));

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Delete(received);
            return;
        }

        if (!File.Exists(verified))
        {
            File.WriteAllText(received, text, new UTF8Encoding(false));
            throw new XunitException($"No verified snapshot {verified}. The output is in {received}; run the tests with {AcceptVariable}=1 to accept it.");
        }

        string expected = Normalize(File.ReadAllText(verified));
        if (expected == text)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text, new UTF8Encoding(false));
        throw new XunitException($"Snapshot {name} differs from {verified} (- verified, + received; the output is in {received}; accept with {AcceptVariable}=1):\n{Diff(expected, text)}");
    }

    /// <summary>One line ending everywhere, and no byte-order mark.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').TrimStart('\uFEFF');

    /// <summary>Replaces what changes with every release, so snapshots only change when the code does.</summary>
    public static string Scrub(string text) => GeneratorVersion().Replace(text, "GeneratedCode(\"CustomizedLinear.Generator\", \"{version}\")");

    [GeneratedRegex("GeneratedCode\\(\"CustomizedLinear\\.Generator\", \"[0-9.]+\"\\)")]
    private static partial Regex GeneratorVersion();

    /// <summary>A unified-style diff: changed lines with a little context, numbered as in the verified file.</summary>
    private static string Diff(string expected, string actual)
    {
        var lines = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false).Lines;
        var changed = lines.Select((line, index) => (line, index)).Where(x => x.line.Type != ChangeType.Unchanged).Select(x => x.index).ToHashSet();
        var output = new StringBuilder();
        int shown = 0;
        bool gap = false;
        for (int i = 0; i < lines.Count && shown < MaxDiffLines; i++)
        {
            bool near = Enumerable.Range(i - ContextLines, 2 * ContextLines + 1).Any(changed.Contains);
            if (!near)
            {
                gap = true;
                continue;
            }

            if (gap)
            {
                output.AppendLine("  ...");
                gap = false;
            }

            DiffPiece line = lines[i];
            string marker = line.Type switch { ChangeType.Inserted => "+ ", ChangeType.Deleted => "- ", _ => "  " };
            output.Append(marker).Append(line.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5) ?? "     ").Append(' ').AppendLine(line.Text);
            shown++;
        }

        if (shown >= MaxDiffLines)
        {
            output.AppendLine($"  ... (diff cut at {MaxDiffLines} lines)");
        }

        return output.ToString();
    }
}
