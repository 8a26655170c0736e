namespace RainForest.Service.Api;

/// <summary>One CPU of the machine and who owns it, for the dashboard's grid.</summary>
/// <param name="Id">The CPU's number.</param>
/// <param name="Core">Its core.</param>
/// <param name="Package">Its package (socket).</param>
/// <param name="Node">Its NUMA node.</param>
/// <param name="Online">Whether it is online.</param>
/// <param name="Owner">
/// A subOS's name, <c>supervisor</c> (the supervisor partition), <c>free</c>, or <c>offline</c>; subOS names
/// cannot clash with these words' meaning because the kind says which it is.
/// </param>
/// <param name="Kind"><c>subos</c>, <c>supervisor</c>, <c>free</c> or <c>offline</c>.</param>
public sealed record CpuOwner(int Id, int Core, int Package, int Node, bool Online, string Owner, string Kind);
