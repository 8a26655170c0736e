using System.Runtime.CompilerServices;

// The tests reach the layer's internals: the seccomp compiler and syscall table, the device-program loader.
[assembly: InternalsVisibleTo("RainForest.Linux.Tests")]
