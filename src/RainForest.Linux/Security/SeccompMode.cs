namespace RainForest.Linux.Security;

/// <summary>A thread's seccomp mode, the Seccomp line of /proc/PID/status.</summary>
public enum SeccompMode
{
    /// <summary>SECCOMP_MODE_DISABLED.</summary>
    Disabled = 0,

    /// <summary>SECCOMP_MODE_STRICT: read, write, exit and sigreturn only.</summary>
    Strict = 1,

    /// <summary>SECCOMP_MODE_FILTER: BPF filters.</summary>
    Filter = 2,
}
