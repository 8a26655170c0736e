using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>Process file descriptors (Linux 5.3): a handle on one process that a later owner of its pid cannot take over.</summary>
/// <remarks>
/// Through syscall(2), like the mount API: the numbers are the same on every architecture, and a kernel without them
/// answers ENOSYS rather than the loader failing on a missing glibc symbol. Every argument is word sized, as syscall(2)
/// reads six words whatever the call.
/// </remarks>
internal static partial class Libc
{
    internal const int SYS_pidfd_send_signal = 424;
    internal const int SYS_pidfd_open = 434;

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint syscall_pidfd_open(nint number, nint pid, nint flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint syscall_pidfd_send_signal(nint number, SafeHandle pidfd, nint sig, nint info, nint flags);
}
