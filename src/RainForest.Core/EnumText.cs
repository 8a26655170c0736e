namespace RainForest.Core;

/// <summary>
/// The text of RainForest's enums where people and files see them: the member name in lower case
/// (<c>loop</c>, <c>unicast</c>, <c>ok</c>, <c>hybrid</c>, <c>cell</c>). The ledger stores this text, so a
/// ledger written while these were strings reads back unchanged.
/// </summary>
public static class EnumText
{
    /// <summary>The lower-case name of <paramref name="value"/>.</summary>
    public static string ToText<T>(this T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Finds the member whose lower-case name is exactly <paramref name="text"/> (no numbers, no other case).</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToText(), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Like <see cref="TryParse{T}"/>, for text the program wrote itself (a ledger column).</summary>
    /// <exception cref="InvalidDataException">The text names no member.</exception>
    public static T Parse<T>(string text)
        where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new InvalidDataException($"'{text}' is not a {typeof(T).Name} ({string.Join(", ", Enum.GetValues<T>().Select(v => v.ToText()))})");
}
