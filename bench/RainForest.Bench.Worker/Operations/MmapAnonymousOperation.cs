using System.Diagnostics;

namespace RainForest.Bench.Worker.Operations;

/// <summary>will-it-scale mmap1: map anonymous memory privately and writably, unmap it; nothing is touched.</summary>
internal sealed class MmapAnonymousOperation(long sizeBytes) : MicroOperation
{
    private readonly nuint _length = (nuint)sizeBytes;

    public override void Run(long deadlineTicks, LatencyRecorder recorder)
    {
        const int Flags = Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            var address = Interop.Libc.mmap(0, _length, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, Flags, -1, 0);
            if (address == Interop.Libc.MAP_FAILED)
            {
                throw NativeCallException.FromLastError("mmap");
            }

            if (Interop.Libc.munmap(address, _length) != 0)
            {
                throw NativeCallException.FromLastError("munmap");
            }

            var end = Stopwatch.GetTimestamp();
            recorder.Record(start, end);
            if (end >= deadlineTicks)
            {
                return;
            }
        }
    }
}
