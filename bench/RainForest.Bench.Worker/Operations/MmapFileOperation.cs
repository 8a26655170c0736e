using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace RainForest.Bench.Worker.Operations;

/// <summary>will-it-scale mmap2: map a file privately and writably, unmap it; nothing is touched.</summary>
internal sealed class MmapFileOperation : MicroOperation
{
    private readonly SafeFileHandle _file;
    private readonly nuint _length;
    private readonly int _fd;
    private bool _addedRef;

    public MmapFileOperation(string? existingFile, string tempDirectory, long sizeBytes)
    {
        _length = (nuint)sizeBytes;
        if (existingFile is not null)
        {
            // A private mapping needs only read access to the file, even when the mapping is writable.
            FilePath = existingFile;
            _file = File.OpenHandle(existingFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        else
        {
            // Created, sized (sparse, like the test's ftruncate) and unlinked at once, as mkstemp + unlink in
            // mmap2 does: the open descriptor keeps the inode alive, and a killed worker leaves no file behind.
            var path = FreshPath(tempDirectory, "mmap");
            FilePath = path;
            _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            try
            {
                RandomAccess.SetLength(_file, sizeBytes);
            }
            finally
            {
                File.Delete(path);
            }
        }

        _file.DangerousAddRef(ref _addedRef);
        _fd = (int)_file.DangerousGetHandle();
    }

    public override void Run(long deadlineTicks, LatencyRecorder recorder)
    {
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            var address = Interop.Libc.mmap(0, _length, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, Interop.Libc.MAP_PRIVATE, _fd, 0);
            if (address == Interop.Libc.MAP_FAILED)
            {
                throw NativeCallException.FromLastError("mmap", FilePath);
            }

            if (Interop.Libc.munmap(address, _length) != 0)
            {
                throw NativeCallException.FromLastError("munmap", FilePath);
            }

            var end = Stopwatch.GetTimestamp();
            recorder.Record(start, end);
            if (end >= deadlineTicks)
            {
                return;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_addedRef)
            {
                _file.DangerousRelease();
                _addedRef = false;
            }

            _file.Dispose();
        }
    }
}
