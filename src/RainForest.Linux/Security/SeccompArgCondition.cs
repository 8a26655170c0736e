namespace RainForest.Linux.Security;

/// <summary>A test on one system call argument that narrows a <see cref="SeccompRule"/>.</summary>
/// <param name="Index">The argument, 0 to 5.</param>
/// <param name="Match">How the argument is compared.</param>
/// <param name="Values">The mask (one value) for <see cref="SeccompArgMatch.AnyBitSet"/>, else the values compared for equality.</param>
/// <param name="Width">Whether the high half of the 64-bit slot takes part.</param>
public sealed record SeccompArgCondition(int Index, SeccompArgMatch Match, IReadOnlyList<ulong> Values, SeccompArgWidth Width = SeccompArgWidth.Low32)
{
    /// <summary>Matches when argument <paramref name="index"/> has any bit of <paramref name="mask"/> set.</summary>
    public static SeccompArgCondition AnyBitSet(int index, ulong mask, SeccompArgWidth width = SeccompArgWidth.Low32) =>
        Validated(new(index, SeccompArgMatch.AnyBitSet, [mask], width));

    /// <summary>Matches when argument <paramref name="index"/> equals one of <paramref name="values"/>.</summary>
    public static SeccompArgCondition OneOf(int index, SeccompArgWidth width, params ulong[] values) =>
        Validated(new(index, SeccompArgMatch.OneOf, values, width));

    /// <summary>Matches when argument <paramref name="index"/> equals none of <paramref name="values"/>.</summary>
    public static SeccompArgCondition NoneOf(int index, SeccompArgWidth width, params ulong[] values) =>
        Validated(new(index, SeccompArgMatch.NoneOf, values, width));

    /// <summary>Checks the index, the value count, and that low-half conditions have no high bits.</summary>
    /// <exception cref="ArgumentException">The condition cannot be compiled.</exception>
    public void Validate()
    {
        if (Index is < 0 or > 5)
        {
            throw new ArgumentException($"A system call has arguments 0 to 5, not {Index}.");
        }

        if (Values.Count == 0 || (Match == SeccompArgMatch.AnyBitSet && Values.Count != 1))
        {
            throw new ArgumentException($"{Match} needs {(Match == SeccompArgMatch.AnyBitSet ? "exactly one mask" : "at least one value")}.");
        }

        if (Width == SeccompArgWidth.Low32 && Values.Any(v => v > uint.MaxValue))
        {
            throw new ArgumentException("A low-half condition compares 32 bits; a value above 0xffffffff would never match.");
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var values = string.Join("|", Values.Select(v => $"0x{v:x}"));
        var half = Width == SeccompArgWidth.Low32 ? " (low 32 bits)" : "";
        return Match switch
        {
            SeccompArgMatch.AnyBitSet => $"arg{Index} & {values} != 0{half}",
            SeccompArgMatch.OneOf => $"arg{Index} in {values}{half}",
            _ => $"arg{Index} not in {values}{half}",
        };
    }

    private static SeccompArgCondition Validated(SeccompArgCondition condition)
    {
        condition.Validate();
        return condition;
    }
}
