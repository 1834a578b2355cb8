using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;

namespace CustomizedLinear.Tool;

/// <summary>
/// The <c>customized-linear</c> command: writes mask files with the runtime's builders (<see cref="Masks"/>,
/// <see cref="GeneSets"/>, <see cref="MaskFile"/>) and inspects them. Every argument, input file, target and
/// size is checked before anything is built or written (<see cref="Output"/>).
/// </summary>
internal static class Program
{
    /// <summary>Exit code of a refused command line (unknown option, missing or unparsable value).</summary>
    internal const int UsageError = 2;

    /// <summary>Exit code of a command that failed: a bad value, a bad input file, an I/O error.</summary>
    internal const int Failure = 1;

    internal const string CommandName = "customized-linear";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the tool with <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        RootCommand root = Commands.Build(args, stdout);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unknown word explains itself better than the "required command" it leads to.
            ParseError error = parsed.Errors.FirstOrDefault(e => parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                ?? parsed.Errors[0];
            stderr.WriteLine($"{CommandName}: {OneLine(error.Message)} (see {CommandName} --help)");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (ToolException e)
        {
            stderr.WriteLine($"{CommandName}: {OneLine(e.Message)}");
            return Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            stderr.WriteLine($"{CommandName}: {OneLine(e.Message)}");
            return Failure;
        }
        catch (OutOfMemoryException)
        {
            // Shapes are refused above the size a mask file can have before anything is built, but a mask within
            // them can still need more memory than this machine has (hundreds of MB per layer).
            stderr.WriteLine($"{CommandName}: out of memory; nothing was written");
            return Failure;
        }
    }

    /// <summary>A message on one line: line breaks become "; ".</summary>
    internal static string OneLine(string message) =>
        string.Join("; ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The command line as typed, for the comment at the top of a written mask file.</summary>
    internal static string CommandLine(IEnumerable<string> args) =>
        CommandName + " " + string.Join(" ", args.Select(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : a));

    /// <summary>Formats an integer with invariant digit grouping.</summary>
    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>A refused value or input, reported as one line on stderr.</summary>
internal sealed class ToolException(string message) : Exception(message);
