using System.Globalization;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>The readiness pipe on fd 3: one line, <c>ready HOSTPID</c> or <c>error MESSAGE</c>, then closed.</summary>
internal static class Ready
{
    // The write end of the supervisor's pipe, inherited as fd 3.
    private const int Fd = 3;
    private static bool s_done;

    public static void Succeed(int hostPid) => Report($"ready {hostPid.ToString(CultureInfo.InvariantCulture)}\n");

    public static void Fail(string message)
    {
        Console.Error.WriteLine($"rf-agent: {message}");
        Report($"error {message.ReplaceLineEndings(" ")}\n");
    }

    private static void Report(string line)
    {
        if (s_done)
        {
            return;
        }

        s_done = true;
        using var pipe = new SafeFileHandle(Fd, ownsHandle: true);
        try
        {
            Pipe.WriteAll(pipe, line);
        }
        catch (LinuxException)
        {
            // The supervisor gave up waiting; nothing else can be told.
        }
    }
}
