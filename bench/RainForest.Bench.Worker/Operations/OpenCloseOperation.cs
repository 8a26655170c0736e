using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace RainForest.Bench.Worker.Operations;

/// <summary>will-it-scale open1: open one file read-write and close it.</summary>
internal sealed unsafe class OpenCloseOperation : MicroOperation
{
    // NUL-terminated UTF-8 path, encoded once so that the loop passes a pointer and converts nothing.
    private readonly byte[] _path;
    private readonly bool _ownsFile;
    private readonly PosixSignalRegistration[] _cleanupOnSignal = [];

    public OpenCloseOperation(string? existingFile, string tempDirectory)
    {
        if (existingFile is not null)
        {
            FilePath = existingFile;
        }
        else
        {
            FilePath = FreshPath(tempDirectory, "open");

            // Unlike mmap's file this one cannot be unlinked up front (the op opens it by name), so a harness
            // that stops a worker with SIGTERM or SIGINT must not leave it behind in /dev/shm. The handlers are in
            // place before the file exists, and they do not cancel the signal: the process still ends, only
            // without the file.
            var path = FilePath;
            _cleanupOnSignal =
            [
                .. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }
                    .Select(signal => PosixSignalRegistration.Create(signal, _ => File.Delete(path))),
            ];
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
                var fd = Interop.Libc.open(path, Interop.Libc.O_RDWR, 0);
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
        if (disposing)
        {
            foreach (var registration in _cleanupOnSignal)
            {
                registration.Dispose();
            }
        }

        if (_ownsFile && FilePath is not null)
        {
            File.Delete(FilePath);
        }
    }
}
