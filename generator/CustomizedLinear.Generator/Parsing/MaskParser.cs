using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using Microsoft.CodeAnalysis.Text;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>
/// Reads the mask text format (shared/spec/mask-format.md): one row per line, cells 0/1 separated by
/// spaces, tabs or commas or not at all, <c>[</c>/<c>]</c> ignored, <c>#</c> comments.
/// Never throws on content: every problem becomes a diagnostic located in the mask file.
/// </summary>
internal static class MaskParser
{
    /// <summary>Stop reporting after this many problems; the rest are usually the same mistake repeated.</summary>
    public const int MaxDiagnostics = 20;

    private const int MaxTokenDisplayLength = 24;

    public static MaskParseResult Parse(string text, string path, CancellationToken cancellationToken = default)
    {
        var state = new State(text, path);

        // The compiler usually strips a BOM when it decodes the file; skip one that is left without
        // counting it as a column.
        int position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (int line = 0; ; line++)
        {
            if ((line & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int end = position;
            while (end < text.Length && text[end] != '\n' && text[end] != '\r')
            {
                end++;
            }

            state.ParseLine(line, position, end);
            if (end >= text.Length || state.Diagnostics.Count >= MaxDiagnostics)
            {
                break;
            }

            position = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
        }

        if (state.Rows == 0 && state.Diagnostics.Count == 0)
        {
            state.Diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.EmptyMask,
                new LocationInfo(path, new TextSpan(0, 0), new LinePositionSpan(default, default)),
                FileName(path)));
        }

        return new MaskParseResult(
            state.Rows,
            state.Columns < 0 ? 0 : state.Columns,
            new EquatableArray<byte>(state.Diagnostics.Count == 0 ? state.Cells.ToArray() : System.Array.Empty<byte>()),
            state.Diagnostics.ToEquatableArray());
    }

    private sealed class State(string text, string path)
    {
        public readonly List<byte> Cells = [];
        public readonly List<DiagnosticInfo> Diagnostics = [];
        public int Rows;
        public int Columns = -1;
        private int _firstRowLine;

        public void ParseLine(int line, int start, int end)
        {
            int rowStart = Cells.Count;
            int firstCell = -1;
            int lastCell = -1;
            bool closedRow = false;
            for (int i = start; i < end; i++)
            {
                char c = text[i];
                switch (c)
                {
                    case '#':
                        end = i;
                        break;
                    case '0':
                    case '1':
                        Cells.Add((byte)(c - '0'));
                        if (firstCell < 0)
                        {
                            firstCell = i;
                        }

                        lastCell = i;
                        break;
                    case ' ':
                    case '\t':
                    case ',':
                        break;
                    case ']':
                        closedRow = true;
                        break;
                    case '[':
                        if (closedRow)
                        {
                            Report(DiagnosticInfo.Create(DiagnosticDescriptors.TwoRowsOnOneLine, At(line, start, i, 1)), rowStart);
                            return;
                        }

                        break;
                    default:
                        Report(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMaskCell, At(line, start, i, 1), Display(c), Display(Token(i, end))), rowStart);
                        return;
                }
            }

            int count = Cells.Count - rowStart;
            if (count == 0)
            {
                return;
            }

            if (Columns < 0)
            {
                Columns = count;
                _firstRowLine = line + 1;
            }
            else if (count != Columns)
            {
                Report(
                    DiagnosticInfo.Create(DiagnosticDescriptors.RaggedMaskRow, At(line, start, firstCell, lastCell - firstCell + 1), Columns, count, _firstRowLine),
                    rowStart);
                return;
            }

            Rows++;
        }

        private void Report(DiagnosticInfo diagnostic, int rowStart)
        {
            Cells.RemoveRange(rowStart, Cells.Count - rowStart);
            Diagnostics.Add(diagnostic);
        }

        private LocationInfo At(int line, int lineStart, int index, int length)
        {
            int column = index - lineStart;
            return new LocationInfo(
                path,
                new TextSpan(index, length),
                new LinePositionSpan(new LinePosition(line, column), new LinePosition(line, column + length)));
        }

        /// <summary>The run of non-separator characters around <paramref name="index"/>, e.g. <c>0.5</c>.</summary>
        private string Token(int index, int end)
        {
            int from = index;
            while (from > 0 && !IsBoundary(text[from - 1]))
            {
                from--;
            }

            int to = index;
            while (to < end && !IsBoundary(text[to]))
            {
                to++;
            }

            return text.Substring(from, to - from);
        }

        private static bool IsBoundary(char c) => c is ' ' or '\t' or ',' or '[' or ']' or '#' or '\n' or '\r';
    }

    private static string Display(char c) => Display(c.ToString());

    /// <summary>Quotable text for a message: control, format and lone surrogate characters as \uXXXX, long text cut.</summary>
    private static string Display(string value)
    {
        var builder = new StringBuilder();
        foreach (char c in value)
        {
            if (builder.Length >= MaxTokenDisplayLength)
            {
                builder.Append('…');
                break;
            }

            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (char.IsControl(c) || char.IsSurrogate(c) || category is UnicodeCategory.Format or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string FileName(string path)
    {
        int slash = path.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? path : path.Substring(slash + 1);
    }
}
