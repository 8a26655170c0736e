namespace RainForest.Bench.Worker;

internal static partial class Interop
{
    internal static class Libraries
    {
        // The runtime maps "libc" to the C library on Linux (libc.so.6 on glibc), both on the JIT and under NativeAOT.
        internal const string Libc = "libc";
    }
}
