namespace RainForest.Linux.Security;

/// <summary>One line of /proc/PID/uid_map or gid_map: ids <c>Inside..Inside+Count-1</c> in the namespace are <c>Outside..</c> in its parent.</summary>
/// <param name="Inside">The first id inside the user namespace.</param>
/// <param name="Outside">The id it maps to in the parent namespace.</param>
/// <param name="Count">How many ids the range holds (4294967295 for the initial namespace's identity map).</param>
public readonly record struct IdMapRange(uint Inside, uint Outside, uint Count);
