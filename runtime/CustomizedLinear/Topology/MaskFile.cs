using System;
using System.Globalization;
using System.IO;
using System.Text;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Parsing;

namespace CustomizedLinear;

/// <summary>
/// Mask files from code: writes a <c>bool[,]</c> <c>[in, out]</c> mask as the generator reads it, and reads one
/// by the generator's rules (docs/mask-format.md), reporting the first mistake at its line and column as the
/// generator does. The size limits are the generator's own (its <c>MaskLimits</c>, compiled into this library too).
/// </summary>
public static class MaskFile
{
    /// <summary>
    /// Writes <paramref name="mask"/> one row per input, cells <c>0</c>/<c>1</c> separated by spaces, each line
    /// ending with <c>\n</c>; <paramref name="comment"/>, if any, first, every line of it after <c># </c>.
    /// </summary>
    public static void Write(TextWriter writer, bool[,] mask, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.GetLength(0) == 0 || mask.GetLength(1) == 0)
        {
            throw new ArgumentException($"The mask is {mask.GetLength(0)} × {mask.GetLength(1)}; a mask file needs at least one row and one column.", nameof(mask));
        }

        if (comment is not null)
        {
            // Every line break the generator knows (CRLF, LF, a lone CR) starts a new comment line, or the text after
            // it would be read as mask rows.
            foreach (string line in comment.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
            {
                writer.Write(line.Length == 0 ? "#\n" : "# " + line + "\n");
            }
        }

        var row = new StringBuilder(2 * mask.GetLength(1));
        for (int i = 0; i < mask.GetLength(0); i++)
        {
            row.Clear();
            for (int o = 0; o < mask.GetLength(1); o++)
            {
                row.Append(o == 0 ? "" : " ").Append(mask[i, o] ? '1' : '0');
            }

            writer.Write(row.Append('\n').ToString());
        }
    }

    /// <summary>
    /// Reads a mask file by the generator's rules: the <c>[in, out]</c> mask, rows as written.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The first mistake the generator would report, as <c>line L, column C: …</c> (1-based, as a build prints it).
    /// </exception>
    public static bool[,] Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string text = reader.ReadToEnd();
        var rows = new System.Collections.Generic.List<bool[]>();
        int columns = -1;
        int firstRowLine = 0;
        long ones = 0;
        int rowCount = 0;
        (int Line, int Column)? overLimit = null;
        int position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var cells = new System.Collections.Generic.List<bool>();
        for (int line = 0; ; line++)
        {
            int end = position;
            while (end < text.Length && text[end] != '\n' && text[end] != '\r')
            {
                end++;
            }

            cells.Clear();
            int firstCell = -1;
            bool closedRow = false;
            for (int i = position; i < end; i++)
            {
                char c = text[i];
                if (c == '#')
                {
                    break;
                }

                switch (c)
                {
                    case '0' or '1':
                        cells.Add(c == '1');
                        firstCell = firstCell < 0 ? i : firstCell;
                        break;
                    case ' ' or '\t' or ',':
                        break;
                    case ']':
                        closedRow = true;
                        break;
                    case '[' when closedRow:
                        throw Error(line, i - position, "']' closes a row and '[' opens another on the same line: write one row per line");
                    case '[':
                        break;
                    default:
                        throw Error(line, i - position, $"'{MaskText.Display(c.ToString())}' is not a mask cell (in '{MaskText.Display(MaskText.Token(text, i, end))}'): a cell is 0 or 1, separated by spaces, tabs or commas");
                }
            }

            if (cells.Count > 0)
            {
                if (columns < 0)
                {
                    columns = cells.Count;
                    firstRowLine = line + 1;
                }
                else if (cells.Count != columns)
                {
                    throw Error(line, firstCell - position, $"Mask row has the wrong number of cells: expected {columns} cells, found {cells.Count} (the first row, on line {firstRowLine}, has {columns})");
                }

                foreach (bool cell in cells)
                {
                    ones += cell ? 1 : 0;
                }

                rowCount++;
                if (overLimit is null && (ones > MaskLimits.MaxConnections || rowCount > MaskLimits.MaxSide || columns > MaskLimits.MaxSide || (long)rowCount * columns > MaskLimits.MaxCells))
                {
                    // As the generator does: keep reading (another mistake is reported first), store no more rows.
                    overLimit = (line, firstCell - position);
                }

                if (overLimit is null)
                {
                    rows.Add([.. cells]);
                }
            }

            if (end >= text.Length)
            {
                break;
            }

            position = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
        }

        if (overLimit is { } at)
        {
            string shape = $"{Number(rowCount)} × {Number(columns)}";
            string size = ones > MaskLimits.MaxConnections ? $"{Number(ones)} connections ({shape})"
                : rowCount > MaskLimits.MaxSide || columns > MaskLimits.MaxSide ? $"{shape} rows and columns"
                : $"{Number((long)rowCount * columns)} cells ({shape})";
            string limit = ones > MaskLimits.MaxConnections ? $"{Number(MaskLimits.MaxConnections)} connections"
                : rowCount > MaskLimits.MaxSide || columns > MaskLimits.MaxSide ? $"{Number(MaskLimits.MaxSide)} rows or columns"
                : $"{Number(MaskLimits.MaxCells)} cells";
            throw Error(at.Line, at.Column, $"Mask is larger than the supported limit: it has {size}; the limit is {limit}");
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException("line 1, column 1: Mask file has no rows: write one row of 0/1 cells per line");
        }

        var mask = new bool[rows.Count, columns];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int o = 0; o < columns; o++)
            {
                mask[i, o] = rows[i][o];
            }
        }

        return mask;
    }

    private static InvalidDataException Error(int line, int column, string message) =>
        new($"line {line + 1}, column {column + 1}: {message}");

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
