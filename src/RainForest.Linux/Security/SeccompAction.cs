namespace RainForest.Linux.Security;

/// <summary>What a seccomp filter returns for a system call: an action in the high 16 bits, data (an errno) in the low 16.</summary>
/// <param name="Value">The raw <c>SECCOMP_RET_*</c> value.</param>
public readonly record struct SeccompAction(uint Value)
{
    private const uint RetKillProcess = 0x80000000;
    private const uint RetKillThread = 0x00000000;
    private const uint RetTrap = 0x00030000;
    private const uint RetErrno = 0x00050000;
    private const uint RetLog = 0x7ffc0000;
    private const uint RetAllow = 0x7fff0000;
    private const uint ActionMask = 0xffff0000;
    private const uint DataMask = 0x0000ffff;

    /// <summary>Run the call.</summary>
    public static SeccompAction Allow => new(RetAllow);

    /// <summary>Kill the whole process as by an uncatchable SIGSYS (Linux 4.14+).</summary>
    public static SeccompAction KillProcess => new(RetKillProcess);

    /// <summary>Kill only the calling thread.</summary>
    public static SeccompAction KillThread => new(RetKillThread);

    /// <summary>Deliver SIGSYS to the thread.</summary>
    public static SeccompAction Trap => new(RetTrap);

    /// <summary>Run the call and log it (Linux 4.14+).</summary>
    public static SeccompAction Log => new(RetLog);

    /// <summary>Fail the call with <paramref name="errno"/> without running it.</summary>
    public static SeccompAction Errno(int errno)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(errno);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errno, 4095);
        return new(RetErrno | (uint)errno);
    }

    /// <summary>True for <see cref="Errno"/> actions.</summary>
    public bool IsErrno => (Value & ActionMask) == RetErrno;

    /// <summary>The errno of an <see cref="Errno"/> action, otherwise 0.</summary>
    public int ErrnoValue => IsErrno ? (int)(Value & DataMask) : 0;

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        RetAllow => "allow",
        RetKillProcess => "kill-process",
        RetKillThread => "kill-thread",
        RetTrap => "trap",
        RetLog => "log",
        _ when IsErrno => $"errno({ErrnoValue})",
        _ => $"0x{Value:x8}",
    };
}
