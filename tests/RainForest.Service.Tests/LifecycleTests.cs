using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using RainForest.Core;
using RainForest.Supervisor;

namespace RainForest.Service.Tests;

/// <summary><c>rfm serve</c> as a process: its socket, one instance per state directory, SIGTERM, and a kill that loses nothing.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class LifecycleTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), $"rf-svc-life-{Guid.NewGuid():N}");
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var process in _started.Where(p => !p.HasExited))
        {
            process.Kill();
            process.WaitForExit();
        }

        try
        {
            if (File.Exists(Path.Combine(_statePath, "ledger.db")))
            {
                using var supervisor = RainForestSupervisor.Open(new StateDirectory(_statePath));
                supervisor.Deinit(force: true);
            }
        }
        finally
        {
            if (Directory.Exists(_statePath))
            {
                Directory.Delete(_statePath, recursive: true);
            }
        }
    }

    [RootFact]
    public void Serve_BeforeInit_SaysSoInOneLine_AndExits2()
    {
        var (code, _, stderr) = ServiceHost.RunRfm(["--state-dir", _statePath, "serve"]);
        Assert.Equal(2, code);
        Assert.Equal($"rfm serve: not initialised: run 'rfm init' first (state directory {_statePath})", stderr.Trim());
        Assert.False(Directory.Exists(_statePath));
    }

    [RootFact]
    public void Serve_TcpWithoutAToken_IsRefused_AndNothingStarts()
    {
        var (code, _, stderr) = ServiceHost.RunRfm(["--state-dir", _statePath, "serve", "--listen", "127.0.0.1:7079"]);
        Assert.Equal(2, code);
        Assert.Equal("rfm serve: --listen needs --token-file: TCP clients must send a bearer token", stderr.Trim());
    }

    [RootFact]
    public async Task Serve_SocketIs0600_SecondInstanceExits2_SigtermRemovesTheSocket_KillLosesNothing()
    {
        Assert.Equal(0, ServiceHost.RunRfm(["--state-dir", _statePath, "init", "--reserve-cpus", "", "--reserve-memory", "512M"]).ExitCode);
        var socket = Path.Combine(_statePath, "rfm.sock");

        var first = Start();
        await WaitForSocket(socket, first);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

        var (code, _, stderr) = ServiceHost.RunRfm(["--state-dir", _statePath, "serve"]);
        Assert.Equal(2, code);
        Assert.StartsWith("rfm serve: another rfm serve already serves", stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));

        // SIGTERM: a clean shutdown that takes the socket with it, without waiting for a connected event stream.
        using (var watcher = ServiceHost.UnixClient(socket))
        using (var events = await SseReader.OpenAsync(watcher, "/v1/events"))
        {
            var clock = Stopwatch.StartNew();
            Process.Start("kill", ["-TERM", $"{first.Id}"])!.WaitForExit();
            Assert.True(first.WaitForExit(30_000), "rfm serve did not stop on SIGTERM");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"SIGTERM took {clock.Elapsed} with an event stream open");
        }

        Assert.Equal(0, first.ExitCode);
        Assert.False(File.Exists(socket));

        // A subOS made through the service outlives the service's SIGKILL; the next service finds it and the stale socket goes.
        var second = Start();
        await WaitForSocket(socket, second);
        using (var client = ServiceHost.UnixClient(socket))
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/v1/subos", new { name = "keep", cpus = "1", memory = "256M" })).StatusCode);
        }

        second.Kill();
        second.WaitForExit();
        Assert.True(File.Exists(socket));
        using (var supervisor = RainForestSupervisor.Open(new StateDirectory(_statePath)))
        {
            Assert.True(supervisor.Show("keep").AgentAlive);
        }

        var third = Start();
        await WaitForSocket(socket, third);
        using (var client = ServiceHost.UnixClient(socket))
        {
            var shown = await client.GetAsync("/v1/subos/keep");
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }
    }

    private Process Start()
    {
        var start = new ProcessStartInfo(ServiceHost.RfmPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--state-dir", _statePath, "serve" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        _started.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForSocket(string socket, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Hosting.UnixSocketFile.Answers(socket))
        {
            Assert.False(process.HasExited, $"rfm serve exited with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "rfm serve did not listen within 30 s");
            await Task.Delay(50);
        }
    }
}
