namespace RainForest.Bench.Ipc;

internal static partial class Interop
{
    internal static class Libraries
    {
        // The runtime maps "libc" to the C library on Linux (libc.so.6 on glibc).
        internal const string Libc = "libc";
    }
}
