using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RainForest.Core;
using Microsoft.Win32.SafeHandles;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>Serves the control socket: exec, signal, resize and ping requests, one thread per connection.</summary>
internal sealed class AgentServer
{
    // RainForest's own tools inside (rfcom) come last, so that they never shadow the subOS's programs.
    internal static readonly string[] s_path = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/run/rainforest/bin"];
    private readonly CellSpec _spec;
    private readonly Stopwatch _uptime;
    private readonly Reaper _reaper = new();
    private readonly ProgramSandbox? _sandbox;
    private readonly int _programOomScore;

    // A privileged subOS's programs start through choom alone; its root (--rootfs) may lack util-linux.
    private readonly string? _choom;

    /// <param name="spec">The subOS.</param>
    /// <param name="uptime">Runs since the agent started.</param>
    /// <param name="sandbox">Where programs run; null for a privileged subOS, whose programs run as the agent does.</param>
    /// <param name="programOomScore">The oom_score_adj every program gets (see <see cref="OomScore"/>).</param>
    public AgentServer(CellSpec spec, Stopwatch uptime, ProgramSandbox? sandbox, int programOomScore)
    {
        _spec = spec;
        _uptime = uptime;
        _sandbox = sandbox;
        _programOomScore = programOomScore;
        _choom = sandbox is null ? SystemTools.Find("choom") : null;
    }

    public void Serve(Socket listener)
    {
        _reaper.Start();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            // A graceful stop: pass SIGTERM on to every process; the supervisor follows with SIGKILL.
            context.Cancel = true;
            ProcessInfo.Signal(-1, 15);
            Environment.Exit(0);
        });

        while (true)
        {
            Socket client;
            try
            {
                client = listener.Accept();
            }
            catch (SocketException)
            {
                continue;
            }

            var thread = new Thread(() => Handle(client)) { IsBackground = true, Name = "client" };
            thread.Start();
        }
    }

    private void Handle(Socket client)
    {
        using var channel = new ControlChannel(client);
        var fds = new List<SafeFileHandle>();
        try
        {
            var request = channel.Receive(AgentJsonContext.Default.AgentRequest, fds);
            if (request is null)
            {
                return;
            }

            switch (request.Op)
            {
                case AgentOp.Ping:
                    channel.Send(
                        new AgentReply
                        {
                            Type = AgentReply.Pong,
                            Children = _reaper.Count,
                            UptimeSeconds = _uptime.Elapsed.TotalSeconds,
                            Dumpable = ProcessControl.IsDumpable,
                            Sandbox = _sandbox is null ? null : ProgramSandbox.Profile.Name,
                        },
                        AgentJsonContext.Default.AgentReply);
                    break;
                case AgentOp.Exec:
                    Exec(channel, request, fds);
                    break;
                case AgentOp.RebindView:
                    channel.Send(new AgentReply { Type = AgentReply.Done, Message = LxcfsLayer.Rebind(request.Paths, fds, _sandbox) }, AgentJsonContext.Default.AgentReply);
                    break;
                default:
                    channel.Send(new AgentReply { Type = AgentReply.Error, Message = $"unknown request '{request.Op.ToText()}'" }, AgentJsonContext.Default.AgentReply);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or System.Text.Json.JsonException)
        {
            TrySend(channel, new AgentReply { Type = AgentReply.Error, Message = e.Message });
        }
        finally
        {
            fds.ForEach(fd => fd.Dispose());
        }
    }

    private void Exec(ControlChannel channel, AgentRequest request, List<SafeFileHandle> fds)
    {
        if (request.Argv.Count == 0)
        {
            channel.Send(new AgentReply { Type = AgentReply.Error, Message = "no command given" }, AgentJsonContext.Default.AgentReply);
            return;
        }

        var program = Resolve(request.Argv[0]);
        if (program is null)
        {
            channel.Send(new AgentReply { Type = AgentReply.Error, ExitCode = 127, Message = $"{request.Argv[0]}: command not found" }, AgentJsonContext.Default.AgentReply);
            return;
        }

        // Checked here, not left to the exec chain: nsenter's "cannot open /x" read as if the program were
        // missing. Programs cannot mount (seccomp), so their mount namespace, a copy of this one, sees the
        // same directories.
        if (request.Cwd is { } cwd && !Directory.Exists(cwd))
        {
            channel.Send(new AgentReply { Type = AgentReply.Error, ExitCode = 126, Message = $"working directory {cwd}: no such directory inside the subOS" }, AgentJsonContext.Default.AgentReply);
            return;
        }

        var environment = BuildEnvironment(request);
        SafeFileHandle? master = null;
        string? terminal = null;
        if (request.Tty)
        {
            (master, terminal) = Terminal.OpenPty();
            Terminal.SetWindowSize(master, request.Rows, request.Cols);
        }

        var fdMap = new Dictionary<int, SafeHandle>();
        for (var i = 0; i < fds.Count && i < 3 && !request.Tty; i++)
        {
            fdMap[i] = fds[i];
        }

        int pid;
        Task<int> exit;
        try
        {
            var options = new SpawnOptions
            {
                Path = program,
                Argv = request.Argv,
                Environment = environment,
                WorkingDirectory = request.Cwd ?? "/",
                Fds = fdMap,
                Terminal = terminal,
                NewSession = true,
            };
            (pid, exit) = _reaper.Spawn(() => _sandbox is not null ? _sandbox.Spawn(options) : Spawner.Spawn(WithOomScore(options)));
            if (_sandbox is null && _choom is null)
            {
                // No choom in this privileged subOS's root: the score follows the spawn, racing the program's start.
                OomScore.Set(pid, _programOomScore);
            }
        }
        catch (LinuxException e)
        {
            master?.Dispose();
            channel.Send(new AgentReply { Type = AgentReply.Error, ExitCode = 126, Message = $"{request.Argv[0]}: {e.Message}" }, AgentJsonContext.Default.AgentReply);
            return;
        }

        channel.Send(new AgentReply { Type = AgentReply.Started, Pid = pid }, AgentJsonContext.Default.AgentReply);
        Thread? output = null;
        if (master is not null && fds.Count >= 2)
        {
            var input = new Thread(() => Terminal.Copy(fds[0], master)) { IsBackground = true, Name = "tty-in" };
            input.Start();
            output = new Thread(() => Terminal.Copy(master, fds[1])) { IsBackground = true, Name = "tty-out" };
            output.Start();
        }

        // Further frames on the connection steer the running program; end of stream is fine.
        var control = new Thread(() => Steer(channel, pid, master)) { IsBackground = true, Name = "steer" };
        control.Start();

        var code = exit.GetAwaiter().GetResult();
        if (master is not null)
        {
            // The slave closed with the program; read what is left, then let the copier stop.
            output?.Join(TimeSpan.FromSeconds(2));
            master.Dispose();
        }

        TrySend(channel, new AgentReply { Type = AgentReply.Exited, Pid = pid, ExitCode = code });
    }

    /// <summary>A privileged subOS's program, started through <c>choom</c> where its root has one.</summary>
    private SpawnOptions WithOomScore(SpawnOptions program) => _choom is null ? program : new()
    {
        Path = _choom,
        Argv = [.. OomScore.ChainPrefix(_choom, _programOomScore), program.Path, .. program.Argv.Skip(1)],
        Environment = program.Environment,
        WorkingDirectory = program.WorkingDirectory,
        Fds = program.Fds,
        Terminal = program.Terminal,
        NewSession = program.NewSession,
    };

    private static void Steer(ControlChannel channel, int pid, SafeFileHandle? master)
    {
        try
        {
            while (channel.Receive(AgentJsonContext.Default.AgentRequest) is { } request)
            {
                if (request.Op == AgentOp.Signal && request.Signal is > 0 and < 65)
                {
                    // The program leads its own session: signal the whole process group.
                    ProcessInfo.Signal(-pid, request.Signal);
                }
                else if (request.Op == AgentOp.Resize && master is not null)
                {
                    Terminal.SetWindowSize(master, request.Rows, request.Cols);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException or System.Text.Json.JsonException)
        {
            // The caller went away (or sent what is no request); the program keeps running, as with a detached exec.
        }
    }

    private List<string> BuildEnvironment(AgentRequest request)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = string.Join(':', s_path),
            ["HOME"] = "/root",
            ["HOSTNAME"] = _spec.Name,
            ["container"] = "rainforest",
        };
        if (request.Tty)
        {
            env["TERM"] = "xterm";
        }

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

    internal static string? Resolve(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command) ? command : null;
        }

        return s_path.Select(dir => Path.Combine(dir, command)).FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static void TrySend(ControlChannel channel, AgentReply reply)
    {
        try
        {
            channel.Send(reply, AgentJsonContext.Default.AgentReply);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The caller is gone; the exit code has nowhere to go.
        }
    }
}
