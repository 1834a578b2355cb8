using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;
using Microsoft.CodeAnalysis.Text;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>
/// Reads the mask text format (docs/mask-format.md): one row per line, cells 0/1 separated by
/// spaces, tabs or commas or not at all, <c>[</c>/<c>]</c> ignored, <c>#</c> comments.
/// Never throws on content: every problem becomes a diagnostic located in the mask file.
/// </summary>
internal static class MaskParser
{
    /// <summary>Stop reporting after this many problems; the rest are usually the same mistake repeated.</summary>
    public const int MaxDiagnostics = 20;



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

        return state.Finish();
    }

    private sealed class State(string text, string path)
    {
        public readonly List<DiagnosticInfo> Diagnostics = [];
        private readonly List<int> _rowStarts = [0];
        private readonly List<int> _onesColumns = [];
        private readonly List<TextPosition> _rowSpans = [];
        private readonly List<TextPosition> _firstRowCells = [];
        private readonly List<int> _lineOnes = [];
        private readonly List<int> _lineCellOffsets = [];
        private int _rows;
        private int _columns = -1;
        private int _firstRowLine;
        private long _ones;
        private TextPosition? _firstRowOverLimit;

        public void ParseLine(int line, int start, int end)
        {
            _lineOnes.Clear();
            _lineCellOffsets.Clear();
            int cells = 0;
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
                        if (c == '1')
                        {
                            _lineOnes.Add(cells);
                        }

                        if (_columns < 0)
                        {
                            _lineCellOffsets.Add(i);
                        }

                        cells++;
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
                            Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TwoRowsOnOneLine, At(line, start, i, 1)));
                            return;
                        }

                        break;
                    default:
                        Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMaskCell, At(line, start, i, 1), MaskText.Display(c.ToString()), MaskText.Display(MaskText.Token(text, i, end))));
                        return;
                }
            }

            if (cells == 0)
            {
                return;
            }

            var rowSpan = new TextPosition(line, firstCell - start, firstCell, lastCell - firstCell + 1);
            if (_columns < 0)
            {
                _columns = cells;
                _firstRowLine = line + 1;
                foreach (int offset in _lineCellOffsets)
                {
                    _firstRowCells.Add(new TextPosition(line, offset - start, offset, 1));
                }
            }
            else if (cells != _columns)
            {
                Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RaggedMaskRow, rowSpan.ToLocation(path), _columns, cells, _firstRowLine));
                return;
            }

            AddRow(rowSpan);
        }

        private void AddRow(TextPosition rowSpan)
        {
            _rows++;
            _ones += _lineOnes.Count;
            if (_firstRowOverLimit is not null || _ones > MaskLimits.MaxConnections || _rows > MaskLimits.MaxSide || _columns > MaskLimits.MaxSide
                || (long)_rows * _columns > MaskLimits.MaxCells)
            {
                // Keep counting, to report the size, but stop storing.
                _firstRowOverLimit ??= rowSpan;
                return;
            }

            _onesColumns.AddRange(_lineOnes);
            _rowStarts.Add(_onesColumns.Count);
            _rowSpans.Add(rowSpan);
        }

        public MaskParseResult Finish()
        {
            if (_firstRowOverLimit is { } position && Diagnostics.Count == 0)
            {
                long cells = (long)_rows * _columns;
                string shape = $"{Number(_rows)} × {Number(_columns)}";
                (string size, string limit) = (_ones > MaskLimits.MaxConnections, _rows > MaskLimits.MaxSide || _columns > MaskLimits.MaxSide) switch
                {
                    (true, _) => ($"{Number(_ones)} connections ({shape})", $"{Number(MaskLimits.MaxConnections)} connections"),
                    (_, true) => ($"{shape} rows and columns", $"{Number(MaskLimits.MaxSide)} rows or columns"),
                    _ => ($"{Number(cells)} cells ({shape})", $"{Number(MaskLimits.MaxCells)} cells"),
                };
                Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MaskTooLarge, position.ToLocation(path), size, limit));
            }

            if (_rows == 0 && Diagnostics.Count == 0)
            {
                Diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.EmptyMask,
                    new LocationInfo(path, new TextSpan(0, 0), new LinePositionSpan(default, default)),
                    FileName(path)));
            }

            if (Diagnostics.Count > 0)
            {
                return new MaskParseResult(0, 0, EquatableArray<int>.Empty, EquatableArray<int>.Empty, EquatableArray<TextPosition>.Empty, EquatableArray<TextPosition>.Empty, Diagnostics.ToEquatableArray());
            }

            return new MaskParseResult(
                _rows,
                _columns,
                _rowStarts.ToEquatableArray(),
                _onesColumns.ToEquatableArray(),
                _rowSpans.ToEquatableArray(),
                _firstRowCells.ToEquatableArray(),
                EquatableArray<DiagnosticInfo>.Empty);
        }

        private LocationInfo At(int line, int lineStart, int index, int length) =>
            new TextPosition(line, index - lineStart, index, length).ToLocation(path);

        /// <summary>The run of non-separator characters around <paramref name="index"/>, e.g. <c>0.5</c>.</summary>
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);


    internal static string FileName(string path)
    {
        int slash = path.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? path : path.Substring(slash + 1);
    }
}
