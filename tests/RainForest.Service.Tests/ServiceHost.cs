using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Service.Hosting;
using RainForest.Supervisor;

namespace RainForest.Service.Tests;

/// <summary>
/// The service in this process on a real Unix socket, over a scratch state directory of its own (its own prefix),
/// initialised with no CPU reserve; everything it made is removed on dispose, also when the test failed.
/// </summary>
public sealed class ServiceHost : IDisposable
{
    private readonly WebApplication _app;

    public ServiceHost(IPEndPoint? listen = null, byte[]? token = null)
    {
        EnsureAgent();
        StatePath = Path.Combine(Path.GetTempPath(), $"rf-svc-test-{Guid.NewGuid():N}");
        State = new StateDirectory(StatePath);
        using (var supervisor = RainForestSupervisor.Open(State))
        {
            supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
        }

        Options = new ServiceOptions(State, ServiceOptions.DefaultSocket(State), listen, token, Verbose: true);
        _app = ServiceApp.Build(Options, []);
        ServiceApp.Start(_app);
        Client = UnixClient(Options.SocketPath);
    }

    public string StatePath { get; }

    public StateDirectory State { get; }

    internal ServiceOptions Options { get; }

    /// <summary>A client over the service's Unix socket.</summary>
    public HttpClient Client { get; }

    /// <summary>The running application's services (the event hub, the metrics).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>An HTTP client whose every connection goes to the Unix socket at <paramref name="path"/>.</summary>
    public static HttpClient UnixClient(string path)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://rainforest"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A supervisor facade of the test's own, as rfm opens one: what the CLI would see.</summary>
    public RainForestSupervisor OpenCli() => RainForestSupervisor.Open(State);

    /// <summary>Runs the built rfm on this state directory and returns its exit code and output.</summary>
    public (int ExitCode, string Stdout, string Stderr) Rfm(params string[] args) => RunRfm(["--state-dir", StatePath, .. args]);

    /// <summary>Runs the built rfm.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunRfm(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(RfmPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>The rfm ./rfm built (NativeAOT), beside serve/rf-serve.</summary>
    public static string RfmPath => Path.Combine(FindRepo(), ".build/bin/rfm");

    /// <summary>What the kernel holds under this supervisor's prefix: its groups, each subOS's CPUs and memory limit.</summary>
    public string KernelSnapshot()
    {
        var cgroups = CgroupDriver.For(CgroupLayout.Detect("/"), State.Prefix);
        return string.Join(";", cgroups.Children().Where(c => c != RainForestSupervisor.SupervisorGroup).Select(c =>
        {
            var s = cgroups.Read(c);
            return $"{c}:{s.Cpus}:{s.MemoryLimit}:{s.Pids.Count}";
        }));
    }

    /// <summary>The ledger's subOSes, as text that compares.</summary>
    public string LedgerSnapshot()
    {
        using var cli = OpenCli();
        return string.Join(";", cli.List().Select(s => JsonSerializer.Serialize(s.Record, Supervisor.Json.RfmJsonContext.Default.SubOsRecord)));
    }

    public async Task<HttpResponseMessage> CreateAsync(string name, string cpus = "1", string memory = "256M") =>
        await Client.PostAsJsonAsync("/v1/subos", new { name, cpus, memory });

    public void Dispose()
    {
        Client.Dispose();
        try
        {
            _app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_app).Dispose();
            UnixSocketFile.Remove(Options.SocketPath);
        }
        finally
        {
            try
            {
                using var supervisor = RainForestSupervisor.Open(State);
                supervisor.Deinit(force: true);
            }
            finally
            {
                Directory.Delete(StatePath, recursive: true);
            }
        }
    }

    private static void EnsureAgent()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RF_AGENT")))
        {
            Environment.SetEnvironmentVariable("RF_AGENT", Path.Combine(FindRepo(), ".build/bin/rf-agent"));
        }
    }

    public static string FindRepo()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("cannot find the repository root");
        }

        return dir;
    }
}
