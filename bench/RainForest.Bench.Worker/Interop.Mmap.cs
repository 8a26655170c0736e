using System.Runtime.InteropServices;

namespace RainForest.Bench.Worker;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // Values from <sys/mman.h> and <asm-generic/mman-common.h>; the same on x86-64 and arm64.
        internal const int ProtRead = 0x1;          // PROT_READ
        internal const int ProtWrite = 0x2;         // PROT_WRITE
        internal const int MapPrivate = 0x02;       // MAP_PRIVATE
        internal const int MapAnonymous = 0x20;     // MAP_ANONYMOUS
        internal const int MadvNoHugePage = 15;     // MADV_NOHUGEPAGE

        /// <summary>MAP_FAILED, the <c>(void *)-1</c> that mmap returns on failure.</summary>
        internal static readonly nint MapFailed = -1;

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int munmap(nint addr, nuint length);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int madvise(nint addr, nuint length, int advice);
    }
}
