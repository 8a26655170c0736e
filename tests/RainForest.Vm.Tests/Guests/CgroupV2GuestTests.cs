using RainForest.Core;
using RainForest.Vm.Guests;
using RainForest.Vm.Kernels;
using RainForest.Vm.Qemu;
using Xunit.Abstractions;

namespace RainForest.Vm.Tests.Guests;

/// <summary>
/// Every rfm verb on a real kernel with only cgroup v2: Debian's generic kernel under QEMU TCG
/// (<c>cgroup_no_v1=all</c>), the host's root read-only under a tmpfs overlay, and
/// tests/vm/v2-smoke.sh running this checkout's built rfm inside.
/// </summary>
public sealed class CgroupV2GuestTests(ITestOutputHelper output)
{
    // The smoke's steps, in order: each must print "RF-SMOKE ok NAME".
    private static readonly string[] s_steps =
    [
        "guest-cgroup2", "version", "topo", "init", "create-host-root-unprivileged", "ext4-rootfs", "create", "create-cgroup2", "exec",
        "exec-exit-code", "audit", "create-privileged", "exec-privileged",
        "resize-cpus-add", "resize-cpus-add-inside", "resize-cpus-remove", "resize-cpus-remove-inside", "resize-memory", "resize-memory-cgroup2",
        "resize-pids", "resize-pids-cgroup2", "create-second", "ls", "ls-json", "show", "show-json", "log", "audit-privileged",
        "channel-create", "channel-ls", "channel-show", "channel-message", "channel-destroy", "rfloop-by-name", "reconcile",
        "destroy", "destroy-cgroup2", "bench-lifecycle", "deinit", "deinit-cgroup2",
    ];

    // Steps that may print "RF-SMOKE known NAME: ..." instead: they fail for the one reason the script
    // names (an unprivileged subOS on the guest's overlay root, which cannot be idmapped on 6.1).
    private static readonly string[] s_mayBeKnown = ["create-host-root-unprivileged", "bench-lifecycle"];

    [QemuFact]
    public async Task Smoke_PureCgroupV2Guest_EveryVerbWorks()
    {
        var repo = Repository.Root;
        var rfm = Repository.BuiltRfm();
        var kernel = new KernelCache().Ensure(output.WriteLine);
        var work = Directory.CreateTempSubdirectory("rf-vm-v2-");
        var guest = new SharedRootGuest
        {
            Kernel = kernel,
            Command = ["/bin/bash", Path.Combine(repo, "tests", "vm", "v2-smoke.sh"), rfm],
            WorkingDirectory = repo,

            // The checkout again at its own path: CI may clone it under /tmp, which the guest's own tmpfs hides.
            Mounts = [new GuestMount(new NinePShare("rfrepo", repo), repo)],

            // A ledger on the host's own disk would otherwise show through the read-only lower layer.
            EmptyDirectories = ["/var/lib/rainforest"],
            KernelArguments = "cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1",
            // Three: one unprivileged subOS, one that grows to two CPUs and back, then a second one beside it.
            Cpus = 3,
            Memory = ByteSize.Parse("2560M"),
        };

        // Five minutes is the budget on an idle 2-core machine; the limit leaves room for a loaded one.
        var run = await guest.RunAsync(work.FullName, TimeSpan.FromMinutes(8), output.WriteLine);
        var ok = Steps(run, "ok");
        var known = Steps(run, "known");
        var missing = s_steps.Where(s => !ok.Contains(s) && !(known.Contains(s) && s_mayBeKnown.Contains(s))).ToList();
        var failed = string.Join("\n", run.Console.Where(l => l.StartsWith("RF-SMOKE FAIL", StringComparison.Ordinal) || l.StartsWith("  | ", StringComparison.Ordinal)));
        Assert.True(
            missing.Count == 0 && run.ExitCode == 0,
            $"{run.Summary}; steps not ok: {string.Join(", ", missing)}\n{failed}\nconsole: {run.Qemu.ConsoleLogPath}");
        Assert.Equal(kernel.Release, run.KernelRelease);
        work.Delete(recursive: true);
    }

    private static HashSet<string> Steps(GuestRun run, string outcome) =>
        run.Console.Where(l => l.StartsWith($"RF-SMOKE {outcome} ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2].TrimEnd(':')).ToHashSet();
}
