using RainForest.Linux;

namespace RainForest.Supervisor.Host;

/// <summary>What <see cref="LxcfsService"/> found when it looked at its lxcfs.</summary>
/// <param name="Pid">The running lxcfs of this supervisor, or 0.</param>
/// <param name="LastPid">The pid its pidfile names (that process may be gone), or 0.</param>
/// <param name="Mounted">Something is mounted at the mount point.</param>
/// <param name="Probe">How a read of the mount answered.</param>
internal readonly record struct LxcfsState(int Pid, int LastPid, bool Mounted, FileProbeResult Probe)
{
    /// <summary>lxcfs runs, is mounted and answers.</summary>
    public bool Serving => Pid != 0 && Mounted && Probe == FileProbeResult.Readable;
}
