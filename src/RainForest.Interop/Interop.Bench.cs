using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <remarks>
/// The calls the benchmark worker and load generator time in their loops. They take raw descriptors,
/// pre-encoded paths and raw addresses on purpose: a SafeHandle or a string marshaller inside the timed
/// loop would be measured too. Nothing in the product calls them.
/// </remarks>
internal static partial class Libc
{
    internal const int MAP_PRIVATE = 0x02;
    internal const int MAP_ANONYMOUS = 0x20;
    internal const int MADV_NOHUGEPAGE = 15;
    internal const int CLOCK_MONOTONIC = 1;
    internal const int PR_SET_TIMERSLACK = 29;

    /// <summary>MAP_FAILED, the <c>(void *)-1</c> that mmap returns on failure.</summary>
    internal static readonly nint MAP_FAILED = -1;

    /// <summary>mmap(2) returning the raw address: anonymous and timed mappings.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int madvise(nint address, nuint length, int advice);

    /// <remarks>open(2) is variadic in C; the optional mode travels as a third int in the same register either way.</remarks>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int open(byte* path, int flags, int mode);

    /// <remarks>Not retried on EINTR: on Linux the descriptor is gone either way.</remarks>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int close(int fd);

    /// <summary>Sleeps for a relative interval; returns 0 or an error number (it does not set errno).</summary>
    [LibraryImport(Libraries.Libc)]
    internal static partial int clock_nanosleep(int clockId, int flags, in Timespec request, nint remain);
}
