using System.Runtime.InteropServices;
using System.Text;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Starts programs with posix_spawn: safe in a multi-threaded .NET process, unlike fork.</summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process"/> cannot place arbitrary descriptors in the child,
/// start a new session or open a controlling terminal, and it reaps children on its own;
/// the agent (pid 1 of a subOS) reaps every child itself, so it must not use it.
/// </remarks>
public static class Spawner
{
    // dup2 in fd order through a high scratch range, so that mapping 3->4 and 4->3 works.
    private const int Scratch = 900;

    private static readonly string[] s_defaultEnvironment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    /// <summary>Starts the program and returns its pid.</summary>
    /// <exception cref="LinuxException">posix_spawn or one of its set-up calls failed (for example, the program does not exist).</exception>
    public static unsafe int Spawn(SpawnOptions options)
    {
        var actions = (nint)NativeMemory.AllocZeroed(Interop.Libc.SpawnStructSize);
        var attr = (nint)NativeMemory.AllocZeroed(Interop.Libc.SpawnStructSize);
        var strings = new List<nint>();
        var held = new List<SafeHandle>();
        var actionsMade = false;
        var attrMade = false;
        try
        {
            Check(Interop.Libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", options);
            actionsMade = true;
            Check(Interop.Libc.posix_spawnattr_init(attr), "posix_spawnattr_init", options);
            attrMade = true;

            // The child must not inherit the runtime's blocked signals or ignored dispositions.
            var sigset = stackalloc byte[Interop.Libc.SigsetSize];
            new Span<byte>(sigset, Interop.Libc.SigsetSize).Clear();
            Check(Interop.Libc.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask", options);
            new Span<byte>(sigset, Interop.Libc.SigsetSize).Fill(0xff);
            Check(Interop.Libc.posix_spawnattr_setsigdefault(attr, sigset), "posix_spawnattr_setsigdefault", options);
            short flags = Interop.Libc.POSIX_SPAWN_SETSIGMASK | Interop.Libc.POSIX_SPAWN_SETSIGDEF;
            if (options.NewSession || options.Terminal is not null)
            {
                flags |= Interop.Libc.POSIX_SPAWN_SETSID;
            }

            Check(Interop.Libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags", options);

            if (options.Terminal is not null)
            {
                // Opened after setsid and without O_NOCTTY, the terminal becomes the controlling one.
                Check(Interop.Libc.posix_spawn_file_actions_addopen(actions, 0, options.Terminal, Interop.Libc.O_RDWR, 0), "posix_spawn_file_actions_addopen", options);
                Check(Interop.Libc.posix_spawn_file_actions_adddup2(actions, 0, 1), "posix_spawn_file_actions_adddup2", options);
                Check(Interop.Libc.posix_spawn_file_actions_adddup2(actions, 0, 2), "posix_spawn_file_actions_adddup2", options);
            }

            foreach (var (child, handle) in options.Fds)
            {
                // Each handle stays open until posix_spawn has run the dup2 that copies it.
                var added = false;
                handle.DangerousAddRef(ref added);
                held.Add(handle);
                var parent = (int)handle.DangerousGetHandle();
                Check(Interop.Libc.posix_spawn_file_actions_adddup2(actions, parent, Scratch + child), "posix_spawn_file_actions_adddup2", options);
            }

            foreach (var (child, _) in options.Fds)
            {
                Check(Interop.Libc.posix_spawn_file_actions_adddup2(actions, Scratch + child, child), "posix_spawn_file_actions_adddup2", options);
                Check(Interop.Libc.posix_spawn_file_actions_addclose(actions, Scratch + child), "posix_spawn_file_actions_addclose", options);
            }

            for (var fd = 0; fd <= 2 && options.Terminal is null; fd++)
            {
                if (!options.Fds.ContainsKey(fd))
                {
                    Check(Interop.Libc.posix_spawn_file_actions_addopen(actions, fd, "/dev/null", Interop.Libc.O_RDWR, 0), "posix_spawn_file_actions_addopen", options);
                }
            }

            if (options.WorkingDirectory is not null)
            {
                Check(Interop.Libc.posix_spawn_file_actions_addchdir_np(actions, options.WorkingDirectory), "posix_spawn_file_actions_addchdir_np", options);
            }

            var path = Utf8(options.Path, strings);
            var argv = StringArray(options.Argv, strings);
            var envp = StringArray(options.Environment ?? s_defaultEnvironment, strings);
            Check(Interop.Libc.posix_spawn(out var pid, (byte*)path, actions, attr, (byte**)argv, (byte**)envp), "spawn", options);
            return pid;
        }
        finally
        {
            // destroy cannot fail on an object init made (glibc frees and returns 0); there is nothing to report.
            if (actionsMade)
            {
                _ = Interop.Libc.posix_spawn_file_actions_destroy(actions);
            }

            if (attrMade)
            {
                _ = Interop.Libc.posix_spawnattr_destroy(attr);
            }

            held.ForEach(h => h.DangerousRelease());
            NativeMemory.Free((void*)actions);
            NativeMemory.Free((void*)attr);
            foreach (var p in strings)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    /// <summary>Replaces this process with another program (execv); returns only by throwing.</summary>
    /// <remarks>The environment stays this process's. Descriptors without close-on-exec stay open in the new program.</remarks>
    /// <exception cref="LinuxException">execv failed (ENOENT: no such program; EACCES: not executable).</exception>
    public static unsafe void Exec(string path, IReadOnlyList<string> argv)
    {
        var strings = new List<nint>();
        try
        {
            var p = Utf8(path, strings);
            var args = StringArray(argv, strings);
            _ = Interop.Libc.execv((byte*)p, (byte**)args);
            throw Interop.Errors.Last("exec", path);
        }
        finally
        {
            // Reached only when execv failed: on success this process's memory is gone with its image.
            foreach (var s in strings)
            {
                NativeMemory.Free((void*)s);
            }
        }
    }

    /// <summary>The posix_spawn family returns an errno value instead of setting errno.</summary>
    private static void Check(int error, string call, SpawnOptions options)
    {
        if (error != 0)
        {
            throw Interop.Errors.For(error, call, options.Path);
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
}
