using System;
using System.Linq;
using System.Text;

namespace CustomizedLinear.Testing;

/// <summary>
/// The generator's fuzz corpus of mask texts: random bytes, NUL, very long lines and random edits of valid masks.
/// Shared by the generator's fuzz tests and the runtime's <c>MaskFile</c> agreement test, so both run on one corpus.
/// </summary>
internal static class MaskFuzzCorpus
{
    private const string Alphabet = "0101010101    ,,\t\t[]#\n\n\n\r";
    private const string Intruders = "x2.-\0\uFEFF\u00A0\u2028\uD800é9";

    /// <summary>Random bytes, invalid UTF-8, NUL, very long lines, and random edits of valid masks.</summary>
    public static string Next(Random random)
    {
        // Mostly small inputs; a very long line now and then (they cost compile time, not parser time).
        int kind = random.Next(50);
        switch (kind == 0 ? 3 : kind % 9 == 3 ? 4 : kind % 9)
        {
            case 0:
            {
                // Random bytes decoded as the compiler would (invalid UTF-8 becomes U+FFFD).
                var bytes = new byte[random.Next(0, 120)];
                random.NextBytes(bytes);
                return Encoding.UTF8.GetString(bytes);
            }

            case 1:
                return new string(Enumerable.Range(0, random.Next(0, 200)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            case 2:
                return new string('\0', random.Next(1, 50)) + ValidMask(random);
            case 3:
            {
                // A very long line, sometimes with a mistake at its far end.
                string row = new string(Enumerable.Range(0, random.Next(2_000, 40_000)).Select(_ => random.Next(2) == 0 ? '0' : '1').ToArray());
                return random.Next(2) == 0 ? row + "\n" + row + "\n" : row + "\n" + row + "2\n";
            }

            case 4:
            case 5:
                return ValidMask(random);
            default:
            {
                // Random edits of a valid mask.
                var text = new StringBuilder(ValidMask(random));
                for (int edits = random.Next(1, 6); edits > 0; edits--)
                {
                    int at = random.Next(text.Length + 1);
                    string pool = random.Next(4) == 0 ? Intruders : Alphabet;
                    char c = pool[random.Next(pool.Length)];
                    switch (random.Next(3))
                    {
                        case 0:
                            text.Insert(at, c);
                            break;
                        case 1 when at < text.Length:
                            text.Remove(at, 1);
                            break;
                        default:
                            if (at < text.Length)
                            {
                                text[at] = c;
                            }

                            break;
                    }
                }

                return text.ToString();
            }
        }
    }

    private static string ValidMask(Random random)
    {
        int rows = random.Next(1, 12), columns = random.Next(1, 12);
        string newline = random.Next(3) == 0 ? "\r\n" : "\n";
        var text = new StringBuilder(random.Next(4) == 0 ? "# a mask" + newline : "");
        bool brackets = random.Next(4) == 0;
        for (int r = 0; r < rows; r++)
        {
            var cells = Enumerable.Range(0, columns).Select(_ => random.Next(3) == 0 ? "0" : "1");
            string separator = random.Next(3) switch { 0 => "", 1 => ", ", _ => " " };
            string line = string.Join(separator, cells);
            text.Append(brackets ? (r == 0 ? "[[" : " [") + line + (r == rows - 1 ? "]]" : "],") : line).Append(newline);
        }

        return text.ToString();
    }
}
