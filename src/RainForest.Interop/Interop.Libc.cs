namespace RainForest.Interop;

/// <summary>
/// The raw layer: libc's functions, constants and structs under their C names, one file per call or tight
/// group (Interop.Mount.cs, Interop.Spawn.cs). Nothing here checks a result.
/// </summary>
/// <remarks>
/// Callers anywhere under <c>RainForest.*</c> write <c>Interop.Libc.open</c>: <c>Interop</c> is this namespace.
/// Each caller reads errno straight after the call through <see cref="Errors"/>, repeats interrupted calls
/// only through <see cref="Eintr"/>, and holds descriptors in SafeHandles made before the call
/// (<see cref="Descriptors"/>). Layouts and constants are checked against the C headers in the tests.
/// </remarks>
internal static partial class Libc
{
}
