using RainForest.Interop;

namespace RainForest.Linux.Security;

/// <summary>Installs seccomp filters on the calling thread.</summary>
/// <remarks>
/// Only the calling thread is filtered: no SECCOMP_FILTER_FLAG_TSYNC. The caller is a .NET process whose
/// runtime threads (GC, finalizer, thread pool) must keep running unfiltered; the thread that installs the
/// filter is meant to execve the workload right after, and the filter and no_new_privs pass through
/// execve to the new program and to every process it forks. Filters stack: a second install adds to the
/// first, and neither can be removed.
/// </remarks>
public static class Seccomp
{
    /// <summary>Sets no_new_privs on the calling thread: execve can no longer grant privileges (setuid bits, file capabilities).</summary>
    /// <exception cref="LinuxException">prctl failed.</exception>
    public static void SetNoNewPrivs()
    {
        if (Interop.Libc.prctl(Interop.Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        {
            throw Interop.Errors.Last("prctl(PR_SET_NO_NEW_PRIVS)");
        }
    }

    /// <summary>True when the calling thread has no_new_privs set.</summary>
    /// <exception cref="LinuxException">prctl failed.</exception>
    public static bool GetNoNewPrivs()
    {
        var result = Interop.Libc.prctl(Interop.Libc.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
        return result >= 0 ? result == 1 : throw Interop.Errors.Last("prctl(PR_GET_NO_NEW_PRIVS)");
    }

    /// <summary>Sets no_new_privs, then installs <paramref name="program"/> as a seccomp filter on the calling thread.</summary>
    /// <remarks>
    /// no_new_privs comes first because the kernel refuses a filter from a thread without CAP_SYS_ADMIN
    /// unless it is set, and because a filtered process must not gain privileges through a setuid binary.
    /// </remarks>
    /// <exception cref="ArgumentException">The program is empty or longer than <see cref="Bpf.MaxInstructions"/>.</exception>
    /// <exception cref="LinuxException">prctl failed; EINVAL means the kernel rejected the program.</exception>
    public static unsafe void Install(ReadOnlySpan<SockFilter> program)
    {
        if (program.IsEmpty || program.Length > Bpf.MaxInstructions)
        {
            throw new ArgumentException($"A seccomp program has 1 to {Bpf.MaxInstructions} instructions, not {program.Length}.", nameof(program));
        }

        SetNoNewPrivs();
        fixed (SockFilter* filter = program)
        {
            var fprog = new Interop.Libc.SockFprog { Length = (ushort)program.Length, Filter = filter };

            // PR_SET_SECCOMP with SECCOMP_MODE_FILTER is seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog) by
            // another door, and needs no per-architecture system call number.
            if (Interop.Libc.prctl(Interop.Libc.PR_SET_SECCOMP, Interop.Libc.SECCOMP_MODE_FILTER, (nuint)(&fprog), 0, 0) != 0)
            {
                throw Interop.Errors.Last("prctl(PR_SET_SECCOMP)");
            }
        }
    }

    /// <summary>Compiles <paramref name="profile"/> and installs it on the calling thread.</summary>
    /// <exception cref="LinuxException">The kernel refused.</exception>
    public static void Install(SeccompProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Install(profile.Compile());
    }
}
