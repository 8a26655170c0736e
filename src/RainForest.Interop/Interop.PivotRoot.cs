using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    /// <summary>The pivot_root system call number (glibc has no wrapper), which differs between architectures.</summary>
    internal static nint SYS_pivot_root => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 155,
        Architecture.Arm64 => 41,
        var other => throw new PlatformNotSupportedException($"pivot_root(2) has no known number on {other}"),
    };

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint syscall_pivot_root(nint number, string newRoot, string putOld);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chdir(string path);
}
