namespace RainForest.Bench.Worker;

/// <summary>The kernel micro-benchmarks the worker runs, each a will-it-scale test case.</summary>
public enum MicroOp
{
    /// <summary>
    /// <c>mmap</c>: map and unmap a 128 MB file privately and writably, as will-it-scale mmap2; one op is one
    /// mmap plus munmap. A private writable mapping is charged to <c>vm_committed_as</c>, the counter the
    /// paper blames for the tail in Fig. 3a.
    /// </summary>
    Mmap,

    /// <summary><c>mmap-anon</c>: map and unmap 128 MB of anonymous memory, as will-it-scale mmap1.</summary>
    MmapAnon,

    /// <summary>
    /// <c>malloc</c>: libc malloc and free of 128 MB, as will-it-scale malloc1. glibc serves a request this
    /// large with its own mmap and munmap (it is above the largest dynamic mmap threshold, 32 MB), so the op
    /// exercises the allocator's locks and the kernel's mmap path; nothing is touched.
    /// </summary>
    Malloc,

    /// <summary><c>openclose</c>: open and close one file on tmpfs, as will-it-scale open1.</summary>
    OpenClose,

    /// <summary>
    /// <c>pagefault</c>: write-fault every 4 KiB page of a 128 MB anonymous mapping, as will-it-scale
    /// page_fault1; one op is one fault.
    /// </summary>
    PageFault,
}
