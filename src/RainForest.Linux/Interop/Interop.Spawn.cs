using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on x86_64 and
        // arm64; callers allocate this much so a future glibc growing them stays safe.
        internal const int SpawnStructSize = 1024;

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

        /// <summary>Returns an errno value, not -1: posix_spawn reports errors by its result.</summary>
        [LibraryImport(Libraries.Libc)]
        internal static unsafe partial int posix_spawn(out int pid, byte* path, nint fileActions, nint attr, byte** argv, byte** envp);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int pipe2(int* fds, int flags);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int close(int fd);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial nint read(int fd, byte* buffer, nint count);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial nint write(int fd, byte* buffer, nint count);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int poll(PollFd* fds, nuint nfds, int timeout);

        [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string path, int flags, int mode);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int dup(int fd);

        internal const int O_RDONLY = 0;
        internal const int O_WRONLY = 1;
        internal const int O_RDWR = 2;
        internal const int O_CREAT = 0x40;
        internal const int O_NOCTTY = 0x100;
        internal const int O_APPEND = 0x400;
        internal const int O_NONBLOCK = 0x800;
        internal const int O_CLOEXEC = 0x80000;

        internal const short POLLIN = 0x1;
        internal const short POLLOUT = 0x4;
        internal const short POLLERR = 0x8;
        internal const short POLLHUP = 0x10;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }
    }
}
