namespace RainForest.Linux.Security;

/// <summary>The four user or group ids of a process, as on the Uid and Gid lines of /proc/PID/status.</summary>
/// <param name="Real">The real id.</param>
/// <param name="Effective">The effective id, which permission checks use.</param>
/// <param name="Saved">The saved set-id.</param>
/// <param name="FileSystem">The file-system id.</param>
public readonly record struct ProcessIds(uint Real, uint Effective, uint Saved, uint FileSystem);
