using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>Pid 1 of a subOS: builds the root file system inside the new mount namespace, then serves.</summary>
internal static class CellInit
{
    /// <summary>How long a helper program (unshare) may take to make its namespaces.</summary>
    public static TimeSpan HelperTimeout { get; } = TimeSpan.FromSeconds(5);

    public static int Run(string specPath)
    {
        Socket listener;
        CellSpec spec;
        ProgramSandbox? sandbox = null;
        int programOomScore;
        try
        {
            spec = JsonSerializer.Deserialize(File.ReadAllBytes(specPath), AgentJsonContext.Default.CellSpec)
                ?? throw new InvalidDataException($"empty spec {specPath}");

            // /proc is still the host's here, so /proc/self names this process in the host's pid space.
            var hostPid = int.Parse(Path.GetFileName(Directory.ResolveLinkTarget("/proc/self", false)?.FullName ?? "0"), CultureInfo.InvariantCulture);

            // The socket is bound while the state directory is still reachable; after pivot_root it is not.
            var socketPath = Path.Combine(spec.RunDir, "agent.sock");
            File.Delete(socketPath);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(64);

            Mounts.SetHostname(spec.Name);
            using var lxcfs = RootBuilder.Build(spec);
            TryLoopbackUp();
            programOomScore = OomScore.ShieldSelf();
            if (!spec.Privileged)
            {
                sandbox = ProgramSandbox.Create(spec, programOomScore);
            }

            TryAttach(lxcfs, sandbox);

            // Nothing inside may read this process's memory or reopen its descriptors through /proc/1.
            ProcessControl.SetDumpable(false);
            Ready.Succeed(hostPid);
        }
        catch (Exception e)
        {
            Ready.Fail(e.Message);
            return 1;
        }

        var server = new AgentServer(spec, Stopwatch.StartNew(), sandbox, programOomScore);
        server.Serve(listener);
        return 0;
    }

    private static void TryAttach(LxcfsLayer? lxcfs, ProgramSandbox? sandbox)
    {
        try
        {
            lxcfs?.Attach(sandbox);
        }
        catch (LinuxException e)
        {
            Console.Error.WriteLine($"rf-agent: the lxcfs view stays incomplete: {e.Message}");
        }
    }

    private static void TryLoopbackUp()
    {
        try
        {
            Loopback.Up();
        }
        catch (LinuxException e)
        {
            Console.Error.WriteLine($"rf-agent: loopback stays down: {e.Message}");
        }
    }
}
