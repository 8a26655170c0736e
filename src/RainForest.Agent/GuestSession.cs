using Microsoft.Win32.SafeHandles;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>One program run for one caller of a kernel subOS's agent: its stdin fed from frames, its stdout and stderr sent as frames.</summary>
internal sealed class GuestSession
{
    private const int SigKill = 9;
    private readonly GuestFrameWriter _writer;
    private readonly int _pid;
    private FileStream? _stdin;
    private SafeFileHandle? _master;

    private GuestSession(uint session, GuestFrameWriter writer, int pid, FileStream stdin)
    {
        Session = session;
        _writer = writer;
        _pid = pid;
        _stdin = stdin;
    }

    /// <summary>The caller's session number.</summary>
    public uint Session { get; }

    /// <summary>Starts the program; null (with an error reply sent) when it cannot start.</summary>
    public static GuestSession? Start(uint session, AgentRequest request, GuestFrameWriter writer, Reaper reaper, string name)
    {
        var program = request.Argv.Count == 0 ? null : AgentServer.Resolve(request.Argv[0]);
        if (program is null)
        {
            writer.Reply(session, request.Argv.Count == 0
                ? new AgentReply { Type = AgentReply.Error, Message = "no command given" }
                : new AgentReply { Type = AgentReply.Error, ExitCode = 127, Message = $"{request.Argv[0]}: command not found" });
            return null;
        }

        if (request.Cwd is { } cwd && !Directory.Exists(cwd))
        {
            writer.Reply(session, new AgentReply { Type = AgentReply.Error, ExitCode = 126, Message = $"working directory {cwd}: no such directory inside the subOS" });
            return null;
        }

        if (request.Tty)
        {
            return StartOnTerminal(session, request, writer, reaper, name, program);
        }

        // Not disposed as a whole: after the spawn the session owns the ends it keeps, the program the others.
        var stdin = Pipe.Create();
        var stdout = Pipe.Create();
        var stderr = Pipe.Create();
        int pid;
        Task<int> exit;
        try
        {
            var options = new SpawnOptions
            {
                Path = program,
                Argv = request.Argv,
                Environment = Environment(request, name),
                WorkingDirectory = request.Cwd ?? "/",
                Fds = new Dictionary<int, System.Runtime.InteropServices.SafeHandle> { [0] = stdin.Read, [1] = stdout.Write, [2] = stderr.Write },
                NewSession = true,
            };
            (pid, exit) = reaper.Spawn(() => Spawner.Spawn(options));
        }
        catch (LinuxException e)
        {
            stdin.Dispose();
            stdout.Dispose();
            stderr.Dispose();
            writer.Reply(session, new AgentReply { Type = AgentReply.Error, ExitCode = 126, Message = $"{request.Argv[0]}: {e.Message}" });
            return null;
        }

        // Only the program holds the other ends now: end of file reaches the pumps when it (and its children) close them.
        stdin.Read.Dispose();
        stdout.CloseWrite();
        stderr.CloseWrite();
        var result = new GuestSession(session, writer, pid, new FileStream(stdin.Write, FileAccess.Write, 0));
        writer.Reply(session, new AgentReply { Type = AgentReply.Started, Pid = pid });
        var pumps = new[] { result.Pump(stdout.Read, GuestFrameType.Stdout), result.Pump(stderr.Read, GuestFrameType.Stderr) };
        _ = Task.Run(async () =>
        {
            var code = await exit.ConfigureAwait(false);

            // What the program wrote before it ended goes first; a child it left running may hold the pipes open.
            await Task.WhenAny(Task.WhenAll(pumps), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
            result.CloseStdin();
            writer.Reply(session, new AgentReply { Type = AgentReply.Exited, Pid = pid, ExitCode = code });
        });
        return result;
    }

    /// <summary>
    /// Starts the program on a new pseudo-terminal inside (<c>rfm exec -t</c>): what it writes comes back as stdout
    /// frames, stdin frames are typed at it, and <see cref="Resize"/> changes the window size.
    /// </summary>
    private static GuestSession? StartOnTerminal(uint session, AgentRequest request, GuestFrameWriter writer, Reaper reaper, string name, string program)
    {
        var (master, terminal) = Terminal.OpenPty();
        Terminal.SetWindowSize(master, request.Rows, request.Cols);
        int pid;
        Task<int> exit;
        try
        {
            var options = new SpawnOptions
            {
                Path = program,
                Argv = request.Argv,
                Environment = [.. Environment(request, name), "TERM=xterm"],
                WorkingDirectory = request.Cwd ?? "/",
                Terminal = terminal,
                NewSession = true,
            };
            (pid, exit) = reaper.Spawn(() => Spawner.Spawn(options));
        }
        catch (LinuxException e)
        {
            master.Dispose();
            writer.Reply(session, new AgentReply { Type = AgentReply.Error, ExitCode = 126, Message = $"{request.Argv[0]}: {e.Message}" });
            return null;
        }

        var result = new GuestSession(session, writer, pid, new FileStream(master, FileAccess.ReadWrite, 0)) { _master = master };
        writer.Reply(session, new AgentReply { Type = AgentReply.Started, Pid = pid });
        var output = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[16 * 1024];
            using var reader = new FileStream(master, FileAccess.Read, 0);
            try
            {
                int read;
                while ((read = reader.Read(buffer)) > 0)
                {
                    writer.Data(session, GuestFrameType.Stdout, buffer.AsSpan(0, read));
                }
            }
            catch (IOException)
            {
                // EIO: the terminal's last slave closed with the program.
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = Task.Run(async () =>
        {
            var code = await exit.ConfigureAwait(false);
            await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
            result.CloseStdin();
            writer.Reply(session, new AgentReply { Type = AgentReply.Exited, Pid = pid, ExitCode = code });
        });
        return result;
    }

    /// <summary>Changes the window size of the program's terminal, if it runs on one.</summary>
    public void Resize(int rows, int cols)
    {
        if (_master is { IsClosed: false } master)
        {
            Terminal.SetWindowSize(master, rows, cols);
        }
    }

    /// <summary>Feeds the program's stdin; a program that closed it loses the rest.</summary>
    public void WriteStdin(byte[] data)
    {
        if (_stdin is { } stream)
        {
            try
            {
                stream.Write(data);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // EPIPE: the program closed its stdin.
                CloseStdin();
            }
        }
    }

    /// <summary>Closes the program's stdin (and its terminal's master, which the session ends with).</summary>
    public void CloseStdin() => Interlocked.Exchange(ref _stdin, null)?.Dispose();

    /// <summary>
    /// The caller's stdin ended: a program on pipes sees end of file; one on a terminal keeps it, as a terminal does
    /// not end when nothing is typed.
    /// </summary>
    public void EndOfInput()
    {
        if (_master is null)
        {
            CloseStdin();
        }
    }

    /// <summary>Signals the program's process group (it leads its own session).</summary>
    public void Signal(int signal)
    {
        if (signal is > 0 and < 65)
        {
            ProcessInfo.Signal(-_pid, signal);
        }
    }

    /// <summary>The caller went away: the program goes too.</summary>
    public void Abort()
    {
        CloseStdin();
        ProcessInfo.Signal(-_pid, SigKill);
    }

    private Task Pump(SafeFileHandle source, GuestFrameType type) => Task.Factory.StartNew(() =>
    {
        using (source)
        using (var stream = new FileStream(source, FileAccess.Read, 0))
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                _writer.Data(Session, type, buffer.AsSpan(0, read));
            }
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static List<string> Environment(AgentRequest request, string name)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = string.Join(':', AgentServer.s_path),
            ["HOME"] = "/root",
            ["HOSTNAME"] = name,
            ["container"] = "rainforest",
        };
        foreach (var item in request.Env)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env[item[..eq]] = item[(eq + 1)..];
            }
        }

        return [.. env.Select(kv => $"{kv.Key}={kv.Value}")];
    }
}
