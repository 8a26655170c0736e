using System.Numerics;
using System.Text;

namespace RainForest.Channels;

/// <summary>A set of receiver indexes (0 to 63) a multicast write goes to.</summary>
/// <param name="Bits">Bit <c>i</c> set means receiver <c>i</c>.</param>
public readonly record struct ReceiverMask(ulong Bits)
{
    /// <summary>Every receiver the channel has.</summary>
    public static ReceiverMask All => new(ulong.MaxValue);

    /// <summary>No receiver.</summary>
    public static ReceiverMask None => new(0);

    /// <summary>Whether no receiver is in the set.</summary>
    public bool IsEmpty => Bits == 0;

    /// <summary>How many receivers are in the set (64 for <see cref="All"/>).</summary>
    public int Count => BitOperations.PopCount(Bits);

    /// <summary>The set holding only <paramref name="receiverIndex"/>.</summary>
    public static ReceiverMask Single(int receiverIndex)
    {
        CheckIndex(receiverIndex);
        return new ReceiverMask(1UL << receiverIndex);
    }

    /// <summary>The set holding the given receivers.</summary>
    public static ReceiverMask Of(params ReadOnlySpan<int> receiverIndexes)
    {
        ulong bits = 0;
        foreach (var index in receiverIndexes)
        {
            CheckIndex(index);
            bits |= 1UL << index;
        }

        return new ReceiverMask(bits);
    }

    /// <summary>Whether <paramref name="receiverIndex"/> is in the set.</summary>
    public bool Contains(int receiverIndex) => (uint)receiverIndex < 64 && (Bits & (1UL << receiverIndex)) != 0;

    /// <summary>The set with <paramref name="receiverIndex"/> added.</summary>
    public ReceiverMask With(int receiverIndex)
    {
        CheckIndex(receiverIndex);
        return new ReceiverMask(Bits | (1UL << receiverIndex));
    }

    /// <summary>The indexes, as <c>{0,2,5}</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var bits = Bits; bits != 0; bits &= bits - 1)
        {
            text.Append(text.Length > 1 ? "," : string.Empty).Append(BitOperations.TrailingZeroCount(bits));
        }

        return text.Append('}').ToString();
    }

    private static void CheckIndex(int receiverIndex) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)receiverIndex, 63u, nameof(receiverIndex));
}
