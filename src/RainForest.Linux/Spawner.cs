using System.Runtime.InteropServices;
using System.Text;

namespace RainForest.Linux;

/// <summary>Starts programs with posix_spawn: safe in a multi-threaded .NET process, unlike fork.</summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process"/> cannot place arbitrary descriptors in the child,
/// start a new session or open a controlling terminal, and it reaps children on its own;
/// the agent (pid 1 of a subOS) reaps every child itself, so it must not use it.
/// </remarks>
public static class Spawner
{
    private static readonly string[] s_defaultEnvironment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    /// <summary>Starts the program and returns its pid.</summary>
    /// <exception cref="LinuxException">posix_spawn failed (for example, the program does not exist).</exception>
    public static unsafe int Spawn(SpawnOptions options)
    {
        var actions = (nint)NativeMemory.AllocZeroed(Interop.Libc.SpawnStructSize);
        var attr = (nint)NativeMemory.AllocZeroed(Interop.Libc.SpawnStructSize);
        var strings = new List<nint>();
        try
        {
            Interop.Libc.posix_spawn_file_actions_init(actions);
            Interop.Libc.posix_spawnattr_init(attr);

            // The child must not inherit the runtime's blocked signals or ignored dispositions.
            var sigset = stackalloc byte[128];
            new Span<byte>(sigset, 128).Clear();
            Interop.Libc.posix_spawnattr_setsigmask(attr, sigset);
            new Span<byte>(sigset, 128).Fill(0xff);
            Interop.Libc.posix_spawnattr_setsigdefault(attr, sigset);
            short flags = Interop.Libc.POSIX_SPAWN_SETSIGMASK | Interop.Libc.POSIX_SPAWN_SETSIGDEF;
            if (options.NewSession || options.Terminal is not null)
            {
                flags |= Interop.Libc.POSIX_SPAWN_SETSID;
            }

            Interop.Libc.posix_spawnattr_setflags(attr, flags);

            if (options.Terminal is not null)
            {
                // Opened after setsid and without O_NOCTTY, the terminal becomes the controlling one.
                Interop.Libc.posix_spawn_file_actions_addopen(actions, 0, options.Terminal, Interop.Libc.O_RDWR, 0);
                Interop.Libc.posix_spawn_file_actions_adddup2(actions, 0, 1);
                Interop.Libc.posix_spawn_file_actions_adddup2(actions, 0, 2);
            }

            // dup2 in fd order through a high scratch range, so that mapping 3->4 and 4->3 works.
            const int Scratch = 900;
            foreach (var (child, parent) in options.Fds)
            {
                Interop.Libc.posix_spawn_file_actions_adddup2(actions, parent, Scratch + child);
            }

            foreach (var (child, _) in options.Fds)
            {
                Interop.Libc.posix_spawn_file_actions_adddup2(actions, Scratch + child, child);
                Interop.Libc.posix_spawn_file_actions_addclose(actions, Scratch + child);
            }

            for (var fd = 0; fd <= 2 && options.Terminal is null; fd++)
            {
                if (!options.Fds.ContainsKey(fd))
                {
                    Interop.Libc.posix_spawn_file_actions_addopen(actions, fd, "/dev/null", Interop.Libc.O_RDWR, 0);
                }
            }

            if (options.WorkingDirectory is not null)
            {
                Interop.Libc.posix_spawn_file_actions_addchdir_np(actions, options.WorkingDirectory);
            }

            var path = Utf8(options.Path, strings);
            var argv = StringArray(options.Argv, strings);
            var envp = StringArray(options.Environment ?? s_defaultEnvironment, strings);
            var error = Interop.Libc.posix_spawn(out var pid, (byte*)path, actions, attr, (byte**)argv, (byte**)envp);
            if (error != 0)
            {
                throw new LinuxException(error, "spawn", options.Path);
            }

            return pid;
        }
        finally
        {
            Interop.Libc.posix_spawn_file_actions_destroy(actions);
            Interop.Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free((void*)actions);
            NativeMemory.Free((void*)attr);
            foreach (var p in strings)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    private static unsafe nint Utf8(string s, List<nint> owned)
    {
        var count = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, count));
        p[count] = 0;
        owned.Add((nint)p);
        return (nint)p;
    }

    private static unsafe nint StringArray(IReadOnlyList<string> items, List<nint> owned)
    {
        var array = (nint*)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(nint));
        owned.Add((nint)array);
        for (var i = 0; i < items.Count; i++)
        {
            array[i] = Utf8(items[i], owned);
        }

        array[items.Count] = 0;
        return (nint)array;
    }

    /// <summary>Replaces this process with another program (execv); returns only by throwing.</summary>
    public static unsafe void Exec(string path, IReadOnlyList<string> argv)
    {
        var owned = new List<nint>();
        var p = Utf8(path, owned);
        var args = StringArray(argv, owned);
        Interop.Libc.execv((byte*)p, (byte**)args);
        throw Interop.LastError("exec", path);
    }
}
