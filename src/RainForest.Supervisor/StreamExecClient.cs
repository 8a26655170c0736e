using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Linux;

namespace RainForest.Supervisor;

/// <summary>
/// Runs a program inside a kernel subOS through its agent's virtio-serial port (QEMU's Unix socket on the host):
/// streams this process's stdin to it and its stdout and stderr back, forwards signals, and returns its exit code.
/// </summary>
/// <remarks>
/// Descriptors cannot cross a VM boundary, so the bytes travel in frames (<see cref="GuestFrames"/>). QEMU serves one
/// connection at a time; a second caller waits in the socket's backlog until the first ends.
/// </remarks>
public static class StreamExecClient
{
    /// <summary>Runs <paramref name="argv"/> in the guest whose agent port QEMU serves at <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">QEMU's socket for the agent's port.</param>
    /// <param name="argv">Program and arguments.</param>
    /// <param name="env">Extra KEY=VALUE environment.</param>
    /// <param name="cwd">Working directory inside.</param>
    /// <param name="stdin">What the program reads (default this process's stdin).</param>
    /// <param name="stdout">Where its stdout goes (default this process's stdout).</param>
    /// <param name="stderr">Where its stderr goes (default this process's stderr).</param>
    /// <returns>The exit code: the program's, 128 + signal when it was killed, 127 when not found.</returns>
    /// <param name="tty">Run on a pseudo-terminal inside, relayed to this terminal in raw mode, its window size followed.</param>
    public static int Run(string socketPath, IReadOnlyList<string> argv, IReadOnlyList<string>? env = null, string? cwd = null,
        Stream? stdin = null, Stream? stdout = null, Stream? stderr = null, bool tty = false)
    {
        using var stream = Connect(socketPath);
        var session = NewSession();
        var writeLock = new Lock();
        void Send(Action<Stream> write)
        {
            lock (writeLock)
            {
                write(stream);
            }
        }

        var (rows, cols) = tty && Terminal.IsTerminal(StandardStreams.Output) ? Terminal.GetWindowSize(StandardStreams.Output) : (24, 80);
        Send(s => GuestFrames.WriteRequest(s, session, new AgentRequest { Op = AgentOp.Exec, Argv = argv, Env = env ?? [], Cwd = cwd, Tty = tty, Rows = rows, Cols = cols }));
        using var raw = tty && stdin is null && Terminal.IsTerminal(StandardStreams.Input) ? Terminal.MakeRaw(StandardStreams.Input) : null;
        stdout ??= Console.OpenStandardOutput();
        stderr ??= Console.OpenStandardError();
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            while (GuestFrames.Read(stream) is { } frame)
            {
                if (frame.Session != session)
                {
                    // Output of an earlier caller's program, kept by the port until someone connected.
                    continue;
                }

                switch (frame.Type)
                {
                    case GuestFrameType.Stdout:
                        stdout.Write(frame.Payload);
                        stdout.Flush();
                        break;
                    case GuestFrameType.Stderr:
                        stderr.Write(frame.Payload);
                        stderr.Flush();
                        break;
                    case GuestFrameType.Reply:
                        var reply = GuestFrames.ReadReply(frame);
                        switch (reply.Type)
                        {
                            case AgentReply.Error:
                                Console.Error.WriteLine($"rfm: {reply.Message}");
                                return reply.ExitCode != 0 ? reply.ExitCode : 126;
                            case AgentReply.Exited:
                                return reply.ExitCode;
                            case AgentReply.Started:
                                foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT])
                                {
                                    registrations.Add(PosixSignalRegistration.Create(signal, context =>
                                    {
                                        // The program leads its own session inside: pass the signal on.
                                        context.Cancel = true;
                                        TrySend(() => Send(s => GuestFrames.WriteRequest(s, session, new AgentRequest { Op = AgentOp.Signal, Signal = SignalNumber(context.Signal) })));
                                    }));
                                }

                                if (tty)
                                {
                                    registrations.Add(PosixSignalRegistration.Create((PosixSignal)WindowChanged, _ =>
                                    {
                                        var (r, c) = Terminal.GetWindowSize(StandardStreams.Output);
                                        TrySend(() => Send(s => GuestFrames.WriteRequest(s, session, new AgentRequest { Op = AgentOp.Resize, Rows = r, Cols = c })));
                                    }));
                                }

                                StartStdin(stdin ?? Console.OpenStandardInput(), session, Send);
                                break;
                        }

                        break;
                }
            }
        }
        catch (IOException e)
        {
            throw RfException.Failed($"the subOS's agent went away before the program ended: {e.Message}");
        }
        finally
        {
            registrations.ForEach(r => r.Dispose());
        }

        throw RfException.Failed("the subOS's agent went away before the program ended (was the subOS destroyed?)");
    }

    /// <summary>
    /// Asks the agent for a pong on one connection, waiting up to <paramref name="timeout"/> while <paramref name="alive"/>
    /// holds; false when it does not answer.
    /// </summary>
    public static bool Ping(string socketPath, TimeSpan timeout, Func<bool>? alive = null)
    {
        Stream stream;
        try
        {
            stream = Connect(socketPath);
        }
        catch (RfException)
        {
            return false;
        }

        using (stream)
        {
            var session = NewSession();
            try
            {
                GuestFrames.WriteRequest(stream, session, new AgentRequest { Op = AgentOp.Ping });
                var read = Task.Run(() =>
                {
                    while (GuestFrames.Read(stream) is { } frame)
                    {
                        if (frame.Session == session && frame.Type == GuestFrameType.Reply && GuestFrames.ReadReply(frame).Type == AgentReply.Pong)
                        {
                            return true;
                        }
                    }

                    return false;
                });
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!read.Wait(TimeSpan.FromMilliseconds(200)))
                {
                    if (clock.Elapsed > timeout || (alive is not null && !alive()))
                    {
                        return false;
                    }
                }

                return read.Result;
            }
            catch (Exception e) when (e is IOException or SocketException or AggregateException or InvalidDataException)
            {
                return false;
            }
        }
    }

    /// <summary>SIGWINCH, which .NET names only by number.</summary>
    private const int WindowChanged = 28;

    private static NetworkStream Connect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw RfException.Failed($"cannot reach the subOS's agent at {socketPath}: {e.Message}");
        }
    }

    private static uint NewSession()
    {
        uint session;
        do
        {
            session = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        }
        while (session == 0);
        return session;
    }

    private static void StartStdin(Stream input, uint session, Action<Action<Stream>> send)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = input.Read(buffer)) > 0)
                {
                    var chunk = buffer.AsSpan(0, read).ToArray();
                    send(s => GuestFrames.Write(s, session, GuestFrameType.Stdin, chunk));
                }

                send(s => GuestFrames.Write(s, session, GuestFrameType.StdinClosed, []));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // The program ended and the connection with it.
            }
        })
        { IsBackground = true, Name = "stdin" };
        thread.Start();
    }

    private static void TrySend(Action send)
    {
        try
        {
            send();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
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
