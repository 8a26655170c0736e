using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Agent;

namespace RainForest.Agent;

/// <summary>
/// The agent of a kernel subOS: runs inside the guest (started by its init) and serves the streamed exec protocol
/// (<see cref="GuestFrames"/>) on a virtio-serial port, one caller at a time.
/// </summary>
/// <remarks>
/// A virtio-serial port has no accept: the host side (QEMU's Unix socket) is either connected or not. While no caller
/// is connected a read returns 0 at once and poll reports a hang-up, so the loop sleeps briefly and reads again. When
/// a caller goes away in the middle of a program, the program's process group is killed, as closing a cell's exec
/// connection would leave it only for a detached run.
/// </remarks>
internal static class GuestAgent
{
    /// <summary>The port's name (QEMU's <c>virtserialport,name=</c>), found in <c>/sys/class/virtio-ports/*/name</c>.</summary>
    public const string DefaultPortName = "rainforest.agent";

    private static readonly TimeSpan s_idle = TimeSpan.FromMilliseconds(20);

    public static int Run(string portName, string name)
    {
        var device = FindPort(portName, TimeSpan.FromSeconds(30));
        if (device is null)
        {
            Console.Error.WriteLine($"rf-agent: no virtio-serial port named {portName} in /sys/class/virtio-ports");
            return 1;
        }

        GuestChannels.Start();
        using var handle = File.OpenHandle(device, FileMode.Open, FileAccess.ReadWrite);
        using var input = new FileStream(handle, FileAccess.Read, 0);
        using var output = new FileStream(handle, FileAccess.Write, 0);
        var writer = new GuestFrameWriter(output);
        var reaper = new Reaper();
        reaper.Start();
        var uptime = Stopwatch.StartNew();
        GuestSession? current = null;
        Console.Error.WriteLine($"rf-agent: serving on {device}");
        while (true)
        {
            GuestFrame? frame;
            try
            {
                frame = GuestFrames.Read(input);
            }
            catch (InvalidDataException e)
            {
                // A caller that speaks something else: drop what it sent until it goes away.
                Console.Error.WriteLine($"rf-agent: {e.Message}");
                frame = null;
            }

            if (frame is null)
            {
                // No caller (or it went away): the running program loses its caller.
                current?.Abort();
                current = null;
                Thread.Sleep(s_idle);
                continue;
            }

            switch (frame.Type)
            {
                case GuestFrameType.Request:
                    current = Handle(frame, current, writer, reaper, uptime, name);
                    break;
                case GuestFrameType.Stdin when current?.Session == frame.Session:
                    current.WriteStdin(frame.Payload);
                    break;
                case GuestFrameType.StdinClosed when current?.Session == frame.Session:
                    current.EndOfInput();
                    break;
                default:
                    // Input for a session that ended: its program is gone.
                    break;
            }
        }
    }

    private static GuestSession? Handle(GuestFrame frame, GuestSession? current, GuestFrameWriter writer, Reaper reaper, Stopwatch uptime, string name)
    {
        AgentRequest request;
        try
        {
            request = GuestFrames.ReadRequest(frame);
        }
        catch (System.Text.Json.JsonException e)
        {
            writer.Reply(frame.Session, new AgentReply { Type = AgentReply.Error, Message = $"bad request: {e.Message}" });
            return current;
        }

        switch (request.Op)
        {
            case AgentOp.Ping:
                writer.Reply(frame.Session, new AgentReply { Type = AgentReply.Pong, Children = reaper.Count, UptimeSeconds = uptime.Elapsed.TotalSeconds });
                return current;
            case AgentOp.Signal when current?.Session == frame.Session:
                current.Signal(request.Signal);
                return current;
            case AgentOp.Resize when current?.Session == frame.Session:
                current.Resize(request.Rows, request.Cols);
                return current;
            case AgentOp.Exec:
                // A new caller means the last one is gone, whether or not its hang-up was seen.
                current?.Abort();
                return GuestSession.Start(frame.Session, request, writer, reaper, name);
            default:
                writer.Reply(frame.Session, new AgentReply { Type = AgentReply.Error, Message = $"unknown request '{request.Op.ToText()}'" });
                return current;
        }
    }

    private static string? FindPort(string portName, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            if (Directory.Exists("/sys/class/virtio-ports"))
            {
                foreach (var port in Directory.EnumerateDirectories("/sys/class/virtio-ports"))
                {
                    var nameFile = Path.Combine(port, "name");
                    if (File.Exists(nameFile) && File.ReadAllText(nameFile).Trim() == portName && File.Exists("/dev/" + Path.GetFileName(port)))
                    {
                        return "/dev/" + Path.GetFileName(port);
                    }
                }
            }

            Thread.Sleep(50);
        }
        while (clock.Elapsed < timeout);
        return null;
    }
}
