using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RainForest.Bench.Worker.Operations;

/// <summary>will-it-scale malloc1: libc malloc and free of one block; nothing is touched.</summary>
/// <remarks>
/// <see cref="NativeMemory.Alloc(nuint)"/> is a direct call to the C library's malloc and
/// <see cref="NativeMemory.Free"/> to free, so this measures glibc's allocator, not the GC. At the default
/// 128 MB glibc bypasses its arenas and maps the block itself (it is above the 32 MB ceiling of the dynamic
/// mmap threshold), so every op is an mmap and a munmap behind the allocator's bookkeeping, as in malloc1.
/// glibc writes the chunk header into the block's first page, so each op also takes one page fault; where
/// transparent huge pages are <c>always</c> on, that fault zeroes a 2 MB page and dominates the op (the
/// result records the THP mode for this reason).
/// </remarks>
internal sealed unsafe class MallocOperation(long sizeBytes) : MicroOperation
{
    private readonly nuint _size = (nuint)sizeBytes;

    public override void Run(long deadlineTicks, LatencyRecorder recorder)
    {
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            var block = NativeMemory.Alloc(_size);
            NativeMemory.Free(block);
            var end = Stopwatch.GetTimestamp();
            recorder.Record(start, end);
            if (end >= deadlineTicks)
            {
                return;
            }
        }
    }
}
