using System.Globalization;

namespace RainForest.Linux.Topology;

/// <summary>The numbered lines of <c>/proc/interrupts</c>, searchable by the names of the handlers.</summary>
internal sealed class ProcInterrupts
{
    private readonly List<(int Irq, string Description)> _lines = [];

    /// <summary>Parses the file's text; null gives an empty table.</summary>
    public ProcInterrupts(string? text)
    {
        if (text is null)
        {
            return;
        }

        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !int.TryParse(line.AsSpan(0, colon).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var irq))
            {
                // The header, and the named rows (NMI, LOC, ...) that are not interrupt lines.
                continue;
            }

            // Skip the per-CPU counters so that only the chip, the trigger and the handler names remain.
            var rest = line[(colon + 1)..].TrimStart();
            while (rest.Length > 0 && char.IsAsciiDigit(rest[0]))
            {
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                rest = space < 0 ? string.Empty : rest[space..].TrimStart();
            }

            _lines.Add((irq, rest));
        }
    }

    /// <summary>
    /// The interrupt lines whose handler names mention <paramref name="name"/> as a whole word,
    /// ascending: <c>eth0</c> matches <c>eth0</c>, <c>eth0-TxRx-3</c> and <c>i40e-eth0-TxRx-3</c>, but not
    /// <c>eth01</c> or the VLAN <c>eth0.100</c>.
    /// </summary>
    public IReadOnlyList<int> Mentioning(string name)
    {
        var irqs = new SortedSet<int>();
        foreach (var (irq, description) in _lines)
        {
            if (MentionsWord(description, name))
            {
                irqs.Add(irq);
            }
        }

        return [.. irqs];
    }

    private static bool MentionsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var end = at + word.Length;
            if ((at == 0 || !IsNameChar(text[at - 1])) && (end == text.Length || !IsNameChar(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.';
}
