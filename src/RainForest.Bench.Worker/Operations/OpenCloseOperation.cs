using System.Diagnostics;
using System.Text;

namespace RainForest.Bench.Worker.Operations;

/// <summary>will-it-scale open1: open one file read-write and close it.</summary>
internal sealed unsafe class OpenCloseOperation : MicroOperation
{
    // NUL-terminated UTF-8 path, encoded once so that the loop passes a pointer and converts nothing.
    private readonly byte[] _path;
    private readonly bool _ownsFile;

    public OpenCloseOperation(string? existingFile, string tempDirectory)
    {
        if (existingFile is not null)
        {
            FilePath = existingFile;
        }
        else
        {
            FilePath = FreshPath(tempDirectory, "open");
            File.Create(FilePath).Dispose();
            _ownsFile = true;
        }

        var length = Encoding.UTF8.GetByteCount(FilePath);
        _path = new byte[length + 1];
        Encoding.UTF8.GetBytes(FilePath, _path);
    }

    public override void Run(long deadlineTicks, LatencyRecorder recorder)
    {
        fixed (byte* path = _path)
        {
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                var fd = Interop.Libc.open(path, Interop.Libc.ORdWr, 0);
                if (fd < 0)
                {
                    throw NativeCallException.FromLastError("open", FilePath);
                }

                // close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
                if (Interop.Libc.close(fd) != 0)
                {
                    throw NativeCallException.FromLastError("close", FilePath);
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

    protected override void Dispose(bool disposing)
    {
        if (_ownsFile && FilePath is not null)
        {
            File.Delete(FilePath);
        }
    }
}
