using System.Net.Sockets;
using System.Runtime.InteropServices;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Linux;

namespace RainForest.Supervisor;

/// <summary>
/// Runs a program inside a subOS through its agent: hands over this process's stdin, stdout and
/// stderr, forwards signals, and returns the program's exit code.
/// </summary>
public static class ExecClient
{
    /// <summary>Runs <paramref name="argv"/> in the subOS whose agent listens on <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The agent's control socket.</param>
    /// <param name="argv">Program and arguments.</param>
    /// <param name="tty">Run on a pseudo-terminal inside, relayed to this terminal in raw mode.</param>
    /// <param name="env">Extra KEY=VALUE environment.</param>
    /// <param name="cwd">Working directory inside.</param>
    /// <param name="fds">Descriptors to hand over as stdin, stdout, stderr (default this process's own); they stay the caller's.</param>
    /// <returns>The exit code: the program's, 128 + signal when it was killed, 127 when not found.</returns>
    public static int Run(string socketPath, IReadOnlyList<string> argv, bool tty = false, IReadOnlyList<string>? env = null, string? cwd = null, SafeHandle[]? fds = null)
    {
        ControlChannel channel;
        try
        {
            channel = ControlChannel.Connect(socketPath);
        }
        catch (SocketException e)
        {
            throw RfException.Failed($"cannot reach the subOS's agent at {socketPath}: {e.Message}");
        }

        using (channel)
        {
            var (rows, cols) = tty ? Terminal.GetWindowSize(StandardStreams.Output) : (0, 0);
            channel.Send(new AgentRequest { Op = AgentOp.Exec, Argv = argv, Env = env ?? [], Cwd = cwd, Tty = tty, Rows = rows, Cols = cols },
                AgentJsonContext.Default.AgentRequest, fds ?? [StandardStreams.Input, StandardStreams.Output, StandardStreams.Error]);
            var first = channel.Receive(AgentJsonContext.Default.AgentReply) ?? throw RfException.Failed("the agent closed the connection");
            if (first.Type == AgentReply.Error)
            {
                Console.Error.WriteLine($"rfm: {first.Message}");
                return first.ExitCode != 0 ? first.ExitCode : 126;
            }

            using var raw = tty && Terminal.IsTerminal(StandardStreams.Input) ? Terminal.MakeRaw(StandardStreams.Input) : null;
            var registrations = new List<PosixSignalRegistration>();
            foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT])
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    // The program runs in its own session, so a terminal's Ctrl-C reaches rfm only: pass it on.
                    context.Cancel = true;
                    Forward(channel, new AgentRequest { Op = AgentOp.Signal, Signal = SignalNumber(context.Signal) });
                }));
            }

            if (tty)
            {
                registrations.Add(PosixSignalRegistration.Create((PosixSignal)28, context =>
                {
                    var (r, c) = Terminal.GetWindowSize(StandardStreams.Output);
                    Forward(channel, new AgentRequest { Op = AgentOp.Resize, Rows = r, Cols = c });
                }));
            }

            try
            {
                while (channel.Receive(AgentJsonContext.Default.AgentReply) is { } reply)
                {
                    if (reply.Type == AgentReply.Exited)
                    {
                        return reply.ExitCode;
                    }
                }

                throw RfException.Failed("the subOS's agent went away before the program ended (was the subOS destroyed?)");
            }
            finally
            {
                registrations.ForEach(r => r.Dispose());
            }
        }
    }

    /// <summary>Runs a program inside with stdin on /dev/null and returns its exit code and what it printed on stdout.</summary>
    public static (int ExitCode, string Stdout) RunCaptured(string socketPath, IReadOnlyList<string> argv, bool tty = false, SafeHandle? stderr = null)
    {
        using var stdout = Pipe.Create();
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        var reader = Task.Run(() =>
        {
            using var stream = new FileStream(stdout.Read, FileAccess.Read, 1);
            using var text = new StreamReader(stream, System.Text.Encoding.UTF8);
            return text.ReadToEnd();
        });
        var code = Run(socketPath, argv, tty, fds: [devNull, stdout.Write, stderr ?? StandardStreams.Error]);

        // The program's copy closed when it exited; closing ours lets the reader see the end.
        stdout.CloseWrite();
        return (code, reader.GetAwaiter().GetResult());
    }

    /// <summary>Asks the agent for its status; true when it answers.</summary>
    public static bool Ping(string socketPath) => Status(socketPath) is not null;

    /// <summary>The agent's answer to a ping (children, uptime, how it guards programs), or null when it does not answer.</summary>
    public static AgentReply? Status(string socketPath)
    {
        try
        {
            using var channel = ControlChannel.Connect(socketPath);
            channel.Send(new AgentRequest { Op = AgentOp.Ping }, AgentJsonContext.Default.AgentRequest);
            return channel.Receive(AgentJsonContext.Default.AgentReply) is { Type: AgentReply.Pong } pong ? pong : null;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }

    private static void Forward(ControlChannel channel, AgentRequest request)
    {
        try
        {
            channel.Send(request, AgentJsonContext.Default.AgentRequest);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The program already ended; its exit code is on the way.
        }
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };
}
