using System.Runtime.CompilerServices;

// The tests check interop layouts and constants (sock_fprog, PR_*) against the C headers.
[assembly: InternalsVisibleTo("RainForest.Linux.Tests")]
