using System.Globalization;
using System.Text;

namespace RainForest.Core;

/// <summary>Makes untrusted text (a name from the command line or the disk) safe to print in a one-line message.</summary>
/// <remarks>
/// rfm reports every error as one line that scripts read. A hostile name may hold a newline, an escape
/// sequence or thousands of characters; printed raw it would forge further lines or flood the terminal.
/// </remarks>
public static class Printable
{
    /// <summary>Longest name printed before it is cut (paths pass a longer limit).</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Returns <paramref name="text"/> with control characters and backslashes escaped C-style
    /// (<c>\n</c>, <c>\0</c>, <c>\x1b</c>, <c>\\</c>), cut after <paramref name="maxLength"/> characters.
    /// </summary>
    public static string Escape(string? text, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var cut = text.Length > maxLength;
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var c in cut ? text.AsSpan(0, maxLength) : text.AsSpan())
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\0': builder.Append(@"\0"); break;
                default:
                    if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format)
                    {
                        builder.Append(c <= 0xff ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        if (cut)
        {
            builder.Append(CultureInfo.InvariantCulture, $"... ({text.Length} characters)");
        }

        return builder.ToString();
    }
}
