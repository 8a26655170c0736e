using RainForest.Core;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Tests.Qemu;

/// <summary>The launcher with a stand-in for QEMU: a script that prints console lines, then exits or hangs.</summary>
public sealed class QemuProcessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-qemu-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task WaitAsync_GuestPowersOff_ConsoleLinesAndExitCode()
    {
        var lines = new List<string>();
        using var qemu = QemuProcess.Start(Options("printf 'booting\\r\\nRF-VM-EXIT 0\\r\\n'; echo 'warning: x' >&2; exit 3"), Log, line => { lock (lines) { lines.Add(line); } });

        var exit = await qemu.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((3, false), (exit.ExitCode, exit.TimedOut));
        // Standard output and standard error interleave in no set order: compare each on its own.
        Assert.Equal(["booting", "RF-VM-EXIT 0"], lines.Where(l => !l.StartsWith('#')));
        Assert.Contains("# qemu: warning: x", lines);
        var log = File.ReadAllLines(Log);
        Assert.StartsWith("# ", log[0], StringComparison.Ordinal);
        Assert.Contains("booting", log);
        Assert.Contains(log, l => l.StartsWith("# qemu exited with 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitAsync_GuestHangs_KilledAtTheTimeLimit()
    {
        using var qemu = QemuProcess.Start(Options("echo up; exec sleep 600"), Log);
        var pid = qemu.Pid;

        var exit = await qemu.WaitAsync(TimeSpan.FromSeconds(2));

        Assert.Equal((-1, true), (exit.ExitCode, exit.TimedOut));
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), "the stand-in still runs");
        Assert.Contains(File.ReadAllLines(Log), l => l.StartsWith("# killed after 2 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_KillsAndThrows()
    {
        using var qemu = QemuProcess.Start(Options("exec sleep 600"), Log);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => qemu.WaitAsync(TimeSpan.FromMinutes(5), cancel.Token));
        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists($"/proc/{qemu.Pid}") || File.ReadAllText($"/proc/{qemu.Pid}/stat").Contains(") Z ", StringComparison.Ordinal), 5000));
    }

    [Fact]
    public void Start_NotInstalled_InvalidWithTheDebianPackage()
    {
        var options = new QemuOptions { Binary = "rf-no-such-qemu", KernelPath = Kernel() };
        var error = Assert.Throws<RfException>(() => QemuProcess.Start(options, Log));
        Assert.Equal("rf-no-such-qemu is not installed (apt-get install qemu-system-x86)", error.Message);
        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
    }

    [Fact]
    public void Start_KernelMissing_Invalid()
    {
        var options = new QemuOptions { Binary = Script("exit 0"), KernelPath = Path.Combine(_dir.FullName, "nosuch") };
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => QemuProcess.Start(options, Log)).ExitCode);
    }

    private string Log => Path.Combine(_dir.FullName, "console.log");

    private QemuOptions Options(string body) => new() { Binary = Script(body), KernelPath = Kernel() };

    private string Kernel()
    {
        var path = Path.Combine(_dir.FullName, "vmlinuz");
        File.WriteAllText(path, "image");
        return path;
    }

    private string Script(string body)
    {
        var path = Path.Combine(_dir.FullName, $"fake-qemu-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        return path;
    }
}
