using RainForest.Vm.Qemu;

namespace RainForest.Vm.Guests;

/// <summary>The outcome of a guest's run: how QEMU ended, what the console showed, and the command's exit code.</summary>
/// <param name="Qemu">How QEMU ended.</param>
/// <param name="Console">The console's lines (kernel messages included).</param>
/// <param name="KernelRelease">The release stage 2 printed with <see cref="SharedRootScripts.ReadyMarker"/>, or null where it never got there.</param>
/// <param name="ExitCode">The command's exit code from <see cref="SharedRootScripts.ExitMarker"/>, or null where it never finished.</param>
/// <param name="Failure">The reason a stage printed with <see cref="SharedRootScripts.FailMarker"/>, or null.</param>
public sealed record GuestRun(QemuExit Qemu, IReadOnlyList<string> Console, string? KernelRelease, int? ExitCode, string? Failure)
{
    /// <summary>One line saying how the run ended, for test messages and logs.</summary>
    public string Summary => (Qemu.TimedOut, Failure, KernelRelease, ExitCode) switch
    {
        (true, _, _, _) => $"killed after {Qemu.Elapsed.TotalSeconds:0} s (time limit)",
        (_, { } failure, _, _) => $"guest set-up failed: {failure}",
        (_, _, null, _) => $"the guest never reached its command (qemu exit {Qemu.ExitCode})",
        (_, _, _, null) => $"the command did not finish (qemu exit {Qemu.ExitCode})",
        _ => $"command exited {ExitCode} on {KernelRelease} after {Qemu.Elapsed.TotalSeconds:0} s",
    };
}
