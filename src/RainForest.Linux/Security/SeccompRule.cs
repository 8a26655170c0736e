namespace RainForest.Linux.Security;

/// <summary>One entry of a deny-list seccomp profile: a system call, the action it gets, and optionally the argument it takes for that.</summary>
/// <param name="Name">The system call's name as in syscall_64.tbl.</param>
/// <param name="Number">Its number on the profile's architecture.</param>
/// <param name="Action">What the filter returns when the rule applies.</param>
/// <param name="Reason">One short line saying why, for <c>rfm audit</c> and the docs.</param>
/// <param name="When">The argument test; null applies the rule to every call.</param>
public sealed record SeccompRule(string Name, int Number, SeccompAction Action, string Reason, SeccompArgCondition? When = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        When is null ? $"{Name} ({Number}): {Action} - {Reason}" : $"{Name} ({Number}) when {When}: {Action} - {Reason}";
}
