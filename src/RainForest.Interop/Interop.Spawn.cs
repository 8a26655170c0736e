using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>posix_spawn(3) and its attribute and file-action objects.</summary>
/// <remarks>Every one of these returns an errno value, 0 for success, and leaves errno itself alone.</remarks>
internal static partial class Libc
{
    // glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on x86_64 and
    // arm64 (checked in the tests); callers allocate this much so a future glibc growing them stays safe.
    internal const int SpawnStructSize = 1024;

    // sigset_t is 128 bytes in glibc (1024 signals), larger than the kernel's.
    internal const int SigsetSize = 128;

    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_init(nint actions);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_destroy(nint actions);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_adddup2(nint actions, int fd, int newfd);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_addclose(nint actions, int fd);

    [LibraryImport(Libraries.Libc, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int posix_spawn_file_actions_addopen(nint actions, int fd, string path, int oflag, int mode);

    [LibraryImport(Libraries.Libc, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int posix_spawn_file_actions_addchdir_np(nint actions, string path);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_init(nint attr);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_destroy(nint attr);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_setflags(nint attr, short flags);

    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int posix_spawnattr_setsigmask(nint attr, byte* sigset);

    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int posix_spawnattr_setsigdefault(nint attr, byte* sigset);

    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int posix_spawn(out int pid, byte* path, nint fileActions, nint attr, byte** argv, byte** envp);
}
