namespace RainForest.Linux.Security;

/// <summary>How a <see cref="SeccompArgCondition"/> compares a system call argument with its values.</summary>
public enum SeccompArgMatch
{
    /// <summary>The rule applies when the argument has any bit of the single mask value set.</summary>
    AnyBitSet,

    /// <summary>The rule applies when the argument equals one of the values.</summary>
    OneOf,

    /// <summary>The rule applies when the argument equals none of the values (an allow list for the argument).</summary>
    NoneOf,
}
