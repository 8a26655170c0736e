using System.Globalization;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>The readiness pipe on fd 3: one line, <c>ready HOSTPID</c> or <c>error MESSAGE</c>, then closed.</summary>
internal static class Ready
{
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
        try
        {
            Pipe.WriteAll(Fd, line);
        }
        catch (LinuxException)
        {
            // The supervisor gave up waiting; nothing else can be told.
        }

        Pipe.Close(Fd);
    }
}
