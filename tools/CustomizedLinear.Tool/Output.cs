using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Limits;

namespace CustomizedLinear.Tool;

/// <summary>A file the tool will write: its full path, how to write its text, and a check of the written file.</summary>
internal sealed record PlannedFile(string Path, Action<TextWriter> Write, Action<string>? Check = null);

/// <summary>
/// Everything the tool writes goes through here. Targets and sizes are checked before anything is built or written;
/// each file is streamed to a temporary file in its target folder and checked there; only then are the targets
/// replaced, each existing one first moved aside. A failure at any step puts every replaced or removed file back
/// and removes the temporary files and any folder this call created.
/// </summary>
internal static class Output
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// The full path of a file to write, checked: not empty, not a folder, every existing ancestor a folder, and
    /// (unless <paramref name="force"/>) not an existing file.
    /// </summary>
    public static string CheckFileTarget(string path, string option, bool force)
    {
        string full = FullPath(path, option);
        if (Directory.Exists(full))
        {
            throw new ToolException($"{option} {path}: is a folder; give a file name");
        }

        CheckAncestors(Path.GetDirectoryName(full), path, option);
        CheckNotExisting(full, Display(path), force);
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

    /// <summary>Refuses to replace an existing file unless the command line said <c>--force</c>.</summary>
    public static void CheckNotExisting(string fullPath, string shown, bool force)
    {
        if (!force && File.Exists(fullPath))
        {
            throw new ToolException($"{shown} exists; give --force to replace it");
        }
    }

    /// <summary>
    /// The most cells a written mask file can have: it takes two characters a cell, and the generator (like
    /// <see cref="MaskFile.Read(TextReader)"/>) reads a file as one string, which holds at most 0x3FFFFFDF characters.
    /// Tighter than <see cref="MaskLimits.MaxCells"/>, which bounds the dense weight index instead.
    /// </summary>
    public const long MaxFileCells = 0x3FFFFFDF / 2;

    /// <summary>
    /// Refuses, before anything that size is built, a shape the generator would refuse or a file could not hold: at
    /// most <see cref="MaskLimits.MaxSide"/> inputs and outputs and <see cref="MaxFileCells"/> cells. A size below 1
    /// is left to the builder, whose message says what it needs.
    /// </summary>
    public static void CheckShape(long inputs, long outputs, string what)
    {
        if (inputs < 1 || outputs < 1)
        {
            return;
        }

        if (inputs > MaskLimits.MaxSide || outputs > MaskLimits.MaxSide || inputs * outputs > MaxFileCells)
        {
            throw new ToolException(
                $"{what} would be {Program.N(inputs)} × {Program.N(outputs)}; mask files hold at most " +
                $"{Program.N(MaskLimits.MaxSide)} inputs and outputs (the generator's limit) and {Program.N(MaxFileCells)} cells (one string of text)");
        }
    }

    /// <summary>Refuses more connections than the generator accepts per layer (<see cref="MaskLimits.MaxConnections"/>).</summary>
    public static void CheckConnections(long connections, long inputs, long outputs, string what)
    {
        if (connections > MaskLimits.MaxConnections)
        {
            throw new ToolException(
                $"{what} ({Program.N(inputs)} × {Program.N(outputs)}) would have {Program.N(connections)} connections; " +
                $"the generator accepts at most {Program.N(MaskLimits.MaxConnections)} per layer");
        }
    }

    /// <summary>
    /// The mask file for <paramref name="mask"/> as <see cref="MaskFile.Write(TextWriter, bool[,], string?)"/> writes
    /// it, after checking its size against the generator's limits; the written file is read back by
    /// <see cref="MaskFile.Read(TextReader)"/> (the generator's rules) before it replaces anything.
    /// </summary>
    public static PlannedFile MaskFileFor(string fullPath, bool[,] mask, string comment, string what)
    {
        int inputs = mask.GetLength(0), outputs = mask.GetLength(1);
        if (inputs == 0 || outputs == 0)
        {
            throw new ToolException($"{what} would be {inputs} × {outputs}; a mask file needs at least one input and one output");
        }

        CheckShape(inputs, outputs, what);
        CheckConnections(Commands.Count(mask), inputs, outputs, what);

        return new PlannedFile(fullPath, writer => MaskFile.Write(writer, mask, comment), written =>
        {
            try
            {
                using var reader = new StreamReader(written);
                MaskFile.Read(reader);
            }
            catch (InvalidDataException e)
            {
                throw new ToolException($"{what} ({inputs} × {outputs}) would be refused by the generator: {e.Message}");
            }
        });
    }

    /// <summary>Writes every file (full paths) and removes <paramref name="remove"/>, all or nothing as far as the file system allows.</summary>
    public static void WriteAll(IReadOnlyList<PlannedFile> files, IReadOnlyList<string>? remove = null) => WriteAll(files, remove, hook: null);

    /// <summary>The steps of the commit at which <see cref="WriteAll(IReadOnlyList{PlannedFile}, IReadOnlyList{string}, Action{string, CommitStep})"/> calls its test hook.</summary>
    internal enum CommitStep
    {
        /// <summary>Before an existing target is moved aside (or, for a new one, before the file is moved in).</summary>
        Replacing,

        /// <summary>After an existing target was backed up, before the new file is moved in.</summary>
        MovedAside,

        /// <summary>Before a file to remove is moved aside.</summary>
        Removing,
    }

    /// <summary>
    /// <see cref="WriteAll(IReadOnlyList{PlannedFile}, IReadOnlyList{string})"/> with a hook called at each step of the
    /// commit, so that a test can fail it at any step and see everything put back.
    /// </summary>
    internal static void WriteAll(IReadOnlyList<PlannedFile> files, IReadOnlyList<string>? remove, Action<string, CommitStep>? hook)
    {
        remove ??= [];
        var all = files.Select(f => f.Path).Concat(remove).ToList();
        if (all.Distinct(StringComparer.Ordinal).Count() != all.Count)
        {
            // Each path is moved aside once and put back once; a path twice would put back a file this call wrote.
            throw new InvalidOperationException("A path is planned twice: " + string.Join(", ", all.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)));
        }

        var createdFolders = new List<string>();
        var temporaries = new List<string>();
        var movedAside = new List<(string Target, string Backup)>();
        var placed = new List<string>();
        try
        {
            foreach (string folder in files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct(StringComparer.Ordinal))
            {
                CreateFolder(folder, createdFolders);
            }

            var ready = new List<(string Temporary, string Target)>();
            foreach (PlannedFile file in files)
            {
                string temporary = Aside(file.Path, "tmp");
                temporaries.Add(temporary);
                try
                {
                    using var writer = new StreamWriter(temporary, append: false, Utf8NoBom) { NewLine = "\n" };
                    file.Write(writer);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"writing {file.Path} (as {Path.GetFileName(temporary)} beside it): {e.Message}", e);
                }

                file.Check?.Invoke(temporary);
                ready.Add((temporary, file.Path));
            }

            foreach ((string temporary, string target) in ready)
            {
                hook?.Invoke(target, CommitStep.Replacing);
                if (File.Exists(target))
                {
                    // The backup is a copy and the new file is renamed over the target, so that the target's name
                    // points at a whole file throughout (a build running meanwhile never finds it missing).
                    string backup = Aside(target, "bak");
                    File.Copy(target, backup);
                    movedAside.Add((target, backup));
                    hook?.Invoke(target, CommitStep.MovedAside);
                    File.Move(temporary, target, overwrite: true);
                }
                else
                {
                    File.Move(temporary, target);
                }

                placed.Add(target);
            }

            foreach (string target in remove)
            {
                hook?.Invoke(target, CommitStep.Removing);
                MoveAside(target, movedAside);
            }
        }
        catch (Exception failure)
        {
            foreach (string target in placed.Where(t => !movedAside.Any(m => m.Target == t)))
            {
                TryDelete(() => File.Delete(target));
            }

            var lost = new List<string>();
            for (int k = movedAside.Count - 1; k >= 0; k--)
            {
                (string target, string backup) = movedAside[k];
                if (!TryDelete(() => File.Move(backup, target, overwrite: true)))
                {
                    lost.Add($"{target} is kept as {backup}");
                }
            }

            if (lost.Count > 0)
            {
                throw new ToolException($"{failure.Message}; and could not put back what was there: {string.Join(", ", lost)}");
            }

            foreach (string temporary in temporaries)
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

        foreach ((_, string backup) in movedAside)
        {
            TryDelete(() => File.Delete(backup));
        }
    }

    /// <summary>A path shown to the user: as given, with forward slashes (as C# attributes and MSBuild both accept).</summary>
    public static string Display(string path) => path.Replace('\\', '/');

    /// <summary>A hidden name beside <paramref name="path"/>, in the same folder so that moves stay renames.</summary>
    private static string Aside(string path, string kind) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.{kind}");

    private static void MoveAside(string target, List<(string Target, string Backup)> movedAside)
    {
        if (File.Exists(target))
        {
            string backup = Aside(target, "bak");
            File.Move(target, backup);
            movedAside.Add((target, backup));
        }
    }

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

    /// <summary>Best effort: the original error is the one to report. False when the step failed.</summary>
    private static bool TryDelete(Action delete)
    {
        try
        {
            delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
