using System.Diagnostics;

namespace RainForest.Bench.Worker.Operations;

/// <summary>
/// will-it-scale page_fault1: map anonymous memory, write one byte to each page (a write fault that allocates
/// and zeroes a page), unmap; each fault is one op and is timed on its own.
/// </summary>
/// <remarks>
/// Transparent huge pages are turned off for the region with MADV_NOHUGEPAGE: with THP a single fault would
/// fill 2 MB and the next 511 touches would fault nothing, so the numbers would not be 4 KiB page faults as in
/// the paper's kernels (which predate THP). The mmap and munmap around each region are not recorded. Each
/// recorded latency includes one clock read (see the result's timerOverheadNs).
/// </remarks>
internal sealed unsafe class PageFaultOperation(long sizeBytes) : MicroOperation
{
    private readonly nuint _length = (nuint)sizeBytes;
    private readonly int _pageSize = Environment.SystemPageSize;
    private bool _noted;

    public override void Run(long deadlineTicks, LatencyRecorder recorder)
    {
        const int Flags = Interop.Libc.MAP_PRIVATE | Interop.Libc.MAP_ANONYMOUS;
        while (true)
        {
            var region = Interop.Libc.mmap(0, _length, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, Flags, -1, 0);
            if (region == Interop.Libc.MAP_FAILED)
            {
                throw NativeCallException.FromLastError("mmap");
            }

            if (Interop.Libc.madvise(region, _length, Interop.Libc.MADV_NOHUGEPAGE) != 0 && !_noted)
            {
                // A kernel built without THP answers EINVAL; its faults are 4 KiB anyway.
                _noted = true;
                Notes.Add($"madvise(MADV_NOHUGEPAGE) failed: {NativeCallException.FromLastError("madvise").Message}");
            }

            var done = false;
            var bytes = (byte*)region;
            for (nuint offset = 0; offset < _length; offset += (nuint)_pageSize)
            {
                var start = Stopwatch.GetTimestamp();
                bytes[offset] = 1;
                var end = Stopwatch.GetTimestamp();
                recorder.Record(start, end);
                if (end >= deadlineTicks)
                {
                    done = true;
                    break;
                }
            }

            if (Interop.Libc.munmap(region, _length) != 0)
            {
                throw NativeCallException.FromLastError("munmap");
            }

            if (done)
            {
                return;
            }
        }
    }
}
