using System.Globalization;
using System.Text;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>
/// How a mask file's text is quoted in an error message. Compiled into the generator and into the runtime's
/// <c>MaskFile</c> (a linked file), so both report a bad cell in the same words.
/// </summary>
internal static class MaskText
{
    /// <summary>Characters of a bad token shown before it is cut with an ellipsis.</summary>
    public const int MaxTokenDisplayLength = 24;

    /// <summary>The characters around <paramref name="index"/> up to the nearest separators, bracket or comment.</summary>
    public static string Token(string text, int index, int end)
    {
        int from = index;
        while (from > 0 && !IsBoundary(text[from - 1]))
        {
            from--;
        }

        int to = index;
        while (to < end && to - from < 4 * MaxTokenDisplayLength && !IsBoundary(text[to]))
        {
            to++;
        }

        return text.Substring(from, to - from);
    }

    /// <summary>Quotable text for a message: control, format and lone surrogate characters as \uXXXX, long text cut.</summary>
    public static string Display(string value)
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

    private static bool IsBoundary(char c) => c is ' ' or '\t' or ',' or '[' or ']' or '#' or '\n' or '\r';
}
