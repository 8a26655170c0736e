namespace RainForest.Interop;

/// <summary>The native libraries the raw layer imports from.</summary>
internal static class Libraries
{
    internal const string Libc = "libc";
}
