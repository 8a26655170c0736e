namespace RainForest.Vm.Qemu;

/// <summary>How a QEMU run ended.</summary>
/// <param name="ExitCode">QEMU's exit code (0 when the guest powered off or rebooted), or -1 where it was killed.</param>
/// <param name="TimedOut">Whether the launcher killed QEMU because the time limit passed.</param>
/// <param name="Elapsed">From start to exit.</param>
/// <param name="ConsoleLogPath">The file with everything the guest wrote to its console.</param>
public sealed record QemuExit(int ExitCode, bool TimedOut, TimeSpan Elapsed, string ConsoleLogPath);
