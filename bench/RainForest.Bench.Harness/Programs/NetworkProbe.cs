using System.Diagnostics;
using System.Globalization;

namespace RainForest.Bench.Harness.Programs;

/// <summary>
/// Tells whether a TCP port listens in a network namespace, from the host, by reading the namespace's
/// socket table in <c>/proc/PID/net/tcp</c> (of any process in it) instead of entering it.
/// </summary>
internal static class NetworkProbe
{
    private const string ListenState = "0A";

    /// <summary>Whether some socket listens on <paramref name="port"/> in the network namespace of <paramref name="pid"/>.</summary>
    public static bool IsListening(int pid, int port, string procRoot = "/proc")
    {
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "net", table));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (ListensIn(text, port))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the text of a <c>/proc/net/tcp</c> table holds a listening socket on <paramref name="port"/>.</summary>
    internal static bool ListensIn(string table, int port)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            // "  sl  local_address rem_address   st ...": local_address is HEXIP:HEXPORT, st is the state.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != ListenState)
            {
                continue;
            }

            var colon = fields[1].LastIndexOf(':');
            if (colon > 0 && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var local) && local == port)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits until the port listens; fails early when <paramref name="server"/> exits first.</summary>
    /// <exception cref="Core.RfException">The server exited or did not listen in time.</exception>
    public static async Task WaitListeningAsync(int pid, int port, RunningProgram server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!IsListening(pid, port))
        {
            if (server.HasExited)
            {
                var result = await server.Completion.ConfigureAwait(false);
                throw Core.RfException.Failed($"{server.Name} exited with {result.ExitCode} before it listened on port {port}: {result.FirstErrorLine()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw Core.RfException.Failed($"{server.Name} did not listen on port {port} within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A TCP port free on the host's loopback now (the kernel's choice), for a server to take.</summary>
    public static int FreeLoopbackPort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
