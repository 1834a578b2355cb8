using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace CustomizedLinear.Tool;

/// <summary>
/// Everything the tool writes goes through here: targets are checked first, masks rendered in memory (and read back
/// by the generator's rules), then each file is written to a temporary file in its target folder and moved into
/// place. A failure removes the temporary files and any folder this call created.
/// </summary>
internal static class Output
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// The full path of a file to write, checked: not empty, not a folder, and every existing ancestor a folder.
    /// </summary>
    public static string CheckFileTarget(string path, string option)
    {
        string full = FullPath(path, option);
        if (Directory.Exists(full))
        {
            throw new ToolException($"{option} {path}: is a folder; give a file name");
        }

        CheckAncestors(Path.GetDirectoryName(full), path, option);
        return full;
    }

    /// <summary>The full path of a folder to write into, checked: not an existing file, every existing ancestor a folder.</summary>
    public static string CheckFolderTarget(string path, string option)
    {
        string full = FullPath(path, option);
        if (File.Exists(full))
        {
            throw new ToolException($"{option} {path}: is a file; give a folder");
        }

        CheckAncestors(full, path, option);
        return full;
    }

    /// <summary>
    /// The text of a mask file as <see cref="MaskFile.Write(TextWriter, bool[,], string?)"/> writes it, checked by
    /// <see cref="MaskFile.Read(TextReader)"/> (the generator's rules and size limits).
    /// </summary>
    public static string RenderMask(bool[,] mask, string comment, string what)
    {
        if (mask.GetLength(0) == 0 || mask.GetLength(1) == 0)
        {
            throw new ToolException($"{what} would be {mask.GetLength(0)} × {mask.GetLength(1)}; a mask file needs at least one input and one output");
        }

        var writer = new StringWriter { NewLine = "\n" };
        MaskFile.Write(writer, mask, comment);
        string text = writer.ToString();
        try
        {
            MaskFile.Read(new StringReader(text));
        }
        catch (InvalidDataException e)
        {
            throw new ToolException($"{what} ({mask.GetLength(0)} × {mask.GetLength(1)}) would be refused by the generator: {e.Message}");
        }

        return text;
    }

    /// <summary>Writes every file (full paths), all or nothing as far as the file system allows.</summary>
    public static void WriteAll(IReadOnlyList<(string Path, string Text)> files)
    {
        var createdFolders = new List<string>();
        var temporaries = new List<(string Temporary, string Target)>();
        try
        {
            foreach (string folder in files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct(StringComparer.Ordinal))
            {
                CreateFolder(folder, createdFolders);
            }

            foreach ((string path, string text) in files)
            {
                string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
                temporaries.Add((temporary, path));
                File.WriteAllText(temporary, text, Utf8NoBom);
            }

            foreach ((string temporary, string target) in temporaries)
            {
                File.Move(temporary, target, overwrite: true);
            }
        }
        catch
        {
            foreach ((string temporary, _) in temporaries)
            {
                TryDelete(() => File.Delete(temporary));
            }

            for (int k = createdFolders.Count - 1; k >= 0; k--)
            {
                string folder = createdFolders[k];
                TryDelete(() => Directory.Delete(folder, recursive: false));
            }

            throw;
        }
    }

    /// <summary>A path shown to the user: as given, with forward slashes (as C# attributes and MSBuild both accept).</summary>
    public static string Display(string path) => path.Replace('\\', '/');

    private static string FullPath(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ToolException($"{option}: the path is empty");
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ToolException($"{option} {path}: not a valid path ({e.Message})");
        }
    }

    private static void CheckAncestors(string? folder, string path, string option)
    {
        for (string? f = folder; f is not null; f = Path.GetDirectoryName(f))
        {
            if (Directory.Exists(f))
            {
                return;
            }

            if (File.Exists(f))
            {
                throw new ToolException($"{option} {path}: {f} is a file, not a folder");
            }
        }
    }

    private static void CreateFolder(string folder, List<string> created)
    {
        var missing = new Stack<string>();
        for (string? f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
        {
            missing.Push(f);
        }

        while (missing.Count > 0)
        {
            string f = missing.Pop();
            Directory.CreateDirectory(f);
            created.Add(f);
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error is the one to report.
        }
    }
}
