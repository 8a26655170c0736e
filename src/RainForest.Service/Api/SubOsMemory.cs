using RainForest.Core;

namespace RainForest.Service.Api;

/// <summary>One subOS's memory, for the dashboard.</summary>
/// <param name="SubOs">The subOS.</param>
/// <param name="Size">What it owns (its limit), in bytes.</param>
/// <param name="UsedBytes">What is charged to it now.</param>
public sealed record SubOsMemory(string SubOs, ByteSize Size, long UsedBytes);
