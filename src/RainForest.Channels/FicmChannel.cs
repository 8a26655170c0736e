using System.Text.Unicode;
using System.Threading.Channels;
using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>
/// A FICM channel: shared-memory rings of 64-byte slots in one file, one ring per receiver, written
/// by any number of writers in any number of processes. This handle is one process's view of it.
/// </summary>
/// <remarks>
/// <para>
/// Create a channel with <see cref="Create"/> (a supervisor, typically, under /dev/shm or
/// /run/rainforest/channels, then bind-mounted into the subOSes) and open it elsewhere with
/// <see cref="Open"/>. Write with <see cref="Writer"/> (or <see cref="CreateWriter"/>), read with
/// <see cref="OpenReader"/>. Disposing the handle releases it once its readers and writers are
/// disposed too; the file stays until <see cref="Delete"/>.
/// </para>
/// <para>docs/channels.md describes the layout, the commit protocol, crash recovery and notification.</para>
/// </remarks>
public sealed unsafe class FicmChannel : IDisposable
{
    internal const uint CompletionOpen = 0;
    internal const uint CompletionDone = 1;
    internal const uint CompletionFaulted = 2;
    internal const uint CompletionWriting = 3;

    private readonly ChannelMemory _memory;
    private readonly ChannelHeader* _header;
    private readonly ChannelGeometry _geometry;
    private readonly FicmRing[] _rings;
    private readonly ParticipantTable _participants;
    private readonly FicmWriter _writer;
    private int _disposed;

    private FicmChannel(ChannelMemory memory, ChannelGeometry geometry)
    {
        _memory = memory;
        _header = (ChannelHeader*)memory.Base;
        _geometry = geometry;
        _rings = new FicmRing[geometry.ReceiverCount];
        var spansKernels = (_header->Flags & ChannelLayout.FlagSpansKernels) != 0 || memory.DeviceBacked;
        for (var i = 0; i < _rings.Length; i++)
        {
            _rings[i] = new FicmRing(memory.Base + geometry.RingOffset(i), geometry.SlotsPerRing)
            {
                UseFutex = !memory.DeviceBacked,
                PollMilliseconds = spansKernels ? ChannelLayout.CrossKernelPollMilliseconds : -1,
            };
        }

        _participants = new ParticipantTable(memory);
        _writer = new FicmWriter(this, FicmWaitOptions.Default);
    }

    /// <summary>The channel file's full path.</summary>
    public string Path => _memory.Path;

    /// <summary>The delivery mode.</summary>
    public FicmChannelMode Mode => _geometry.Mode;

    /// <summary>Receivers (rings).</summary>
    public int ReceiverCount => _geometry.ReceiverCount;

    /// <summary>64-byte slots per ring.</summary>
    public int SlotsPerRing => _geometry.SlotsPerRing;

    /// <summary>The largest payload, in bytes.</summary>
    public int MaxMessageSize => _geometry.MaxMessageSize;

    /// <summary>The label its creator wrote into the header (a supervisor writes the channel's name), or null.</summary>
    public string? Label => ChannelGeometry.LabelOf(_memory.Base);

    /// <summary>Whether some member maps the channel from another kernel, so that sleepers here poll (see <see cref="FicmChannelOptions.SpansKernels"/>).</summary>
    public bool SpansKernels => (_header->Flags & ChannelLayout.FlagSpansKernels) != 0;

    /// <summary>Whether a writer has completed the channel (readers may still be draining it).</summary>
    public bool IsCompleted => CompletionState != CompletionOpen;

    /// <summary>This handle's writer, for any number of threads' <c>TryWrite</c>; use <see cref="CreateWriter"/> for each concurrent asynchronous writer.</summary>
    public FicmWriter Writer => _writer;

    internal FicmRing[] Rings => _rings;

    internal ParticipantTable Participants => _participants;

    internal ChannelMemory Memory => _memory;

    internal uint CompletionState => Volatile.Read(ref _header->CompletionState);

    /// <summary>Creates a channel file at <paramref name="path"/>, which must not exist yet, and opens it.</summary>
    /// <remarks>The file is built under a temporary name in the same directory and linked into place, so no process ever opens a half-built channel.</remarks>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="SharedMemoryExistsException">Something already exists at the path.</exception>
    /// <exception cref="SharedMemoryException">The file could not be created, sized or mapped (the errno and path say why).</exception>
    public static FicmChannel Create(string path, FicmChannelOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var fullPath = System.IO.Path.GetFullPath(path);
        var geometry = ChannelGeometry.FromOptions(options);
        var directory = System.IO.Path.GetDirectoryName(fullPath) ?? "/";
        var temporary = System.IO.Path.Combine(directory, $"rf-tmp-{Environment.ProcessId}-{Random.Shared.NextInt64():x16}");
        var fd = SharedFile.Open(temporary, Interop.Libc.O_RDWR | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL, (uint)options.FileMode, "create");
        ChannelMemory? memory = null;
        try
        {
            SharedFile.SetMode(fd, options.FileMode, temporary);
            var fileSize = options.PadToPowerOfTwo ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)geometry.TotalSize) : geometry.TotalSize;
            SharedFile.Allocate(fd, fileSize, temporary);
            memory = new ChannelMemory(fullPath, fd, SharedFile.Map(fd, fileSize, writable: true, temporary), fileSize);
            geometry.Initialize(memory.Base, options.ReceiversStartAttached, options.SpansKernels ? ChannelLayout.FlagSpansKernels : 0, options.Label);
            SharedFile.Publish(temporary, fullPath);
        }
        catch
        {
            if (memory is null)
            {
                fd.Dispose();
            }
            else
            {
                memory.Release();
            }

            throw;
        }
        finally
        {
            SharedFile.Unlink(temporary);
        }

        return Attach(memory, geometry);
    }

    /// <summary>Opens an existing channel file.</summary>
    /// <exception cref="SharedMemoryNotFoundException">No file at the path.</exception>
    /// <exception cref="SharedMemoryAccessDeniedException">The file may not be opened for reading and writing.</exception>
    /// <exception cref="ChannelFormatException">The file is not a FICM channel, is corrupt, or has another layout version.</exception>
    public static FicmChannel Open(string path) => OpenCore(path, deviceBacked: null);

    /// <summary>Test hook: opens the file as a guest opens an ivshmem BAR (no futex calls, a guest's participant domain).</summary>
    internal static FicmChannel OpenAsDeviceForTesting(string path) => OpenCore(path, deviceBacked: true);

    private static FicmChannel OpenCore(string path, bool? deviceBacked)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var fd = SharedFile.Open(fullPath, Interop.Libc.O_RDWR, 0, "open");
        ChannelMemory memory;
        ChannelGeometry geometry;
        try
        {
            var device = deviceBacked ?? SharedFile.IsDeviceMemory(fullPath);
            var size = SharedFile.SizeOf(fd, fullPath);
            if (size == 0 && device)
            {
                // sysfs gives a BAR's file no size.
                size = SharedFile.DeviceMemorySize(fullPath);
            }

            if (size < ChannelLayout.RingsOffset)
            {
                throw new ChannelFormatException(fullPath, $"the file is {size} bytes, smaller than a channel's header and participant table ({ChannelLayout.RingsOffset})");
            }

            memory = new ChannelMemory(fullPath, fd, SharedFile.Map(fd, size, writable: true, fullPath), size) { DeviceBacked = device };
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        try
        {
            geometry = ChannelGeometry.Read(memory.Base, memory.Length, fullPath);
        }
        catch
        {
            memory.Release();
            throw;
        }

        return Attach(memory, geometry);
    }

    /// <summary>
    /// The label in the header of the channel file (or device memory) at <paramref name="path"/>, read through a
    /// read-only mapping of its first page without joining the channel; null when it is no channel or has no label.
    /// </summary>
    /// <exception cref="SharedMemoryException">The path cannot be opened or mapped.</exception>
    public static string? ReadLabel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        using var fd = SharedFile.Open(fullPath, Interop.Libc.O_RDONLY, 0, "open");
        if (Math.Max(SharedFile.SizeOf(fd, fullPath), SharedFile.DeviceMemorySize(fullPath)) < ChannelLayout.HeaderSize)
        {
            return null;
        }

        using var mapping = SharedFile.Map(fd, ChannelLayout.HeaderSize, writable: false, fullPath);
        var header = (byte*)mapping.DangerousGetHandle();
        return ((ChannelHeader*)header)->Magic == ChannelLayout.Magic ? ChannelGeometry.LabelOf(header) : null;
    }

    /// <summary>Removes the channel file's name; processes that have it open keep using it. False when there was none.</summary>
    public static bool Delete(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SharedFile.Unlink(System.IO.Path.GetFullPath(path));
    }

    /// <summary>Makes another writer on this handle (each has its own asynchronous wait and wait options).</summary>
    public FicmWriter CreateWriter(FicmWaitOptions? options = null)
    {
        ThrowIfDisposed();
        return new FicmWriter(this, options ?? FicmWaitOptions.Default);
    }

    /// <summary>Opens a reader of receiver <paramref name="receiverIndex"/>'s ring. Several readers of one ring compete: each message goes to one of them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such receiver.</exception>
    public FicmReader OpenReader(int receiverIndex, FicmWaitOptions? options = null)
    {
        ThrowIfDisposed();
        CheckReceiver(receiverIndex);
        return new FicmReader(this, receiverIndex, options ?? FicmWaitOptions.Default);
    }

    /// <summary>Includes a receiver in broadcast and multicast writes again.</summary>
    public void AttachReceiver(int receiverIndex)
    {
        CheckReceiver(receiverIndex);
        Volatile.Write(ref _rings[receiverIndex].Header->Attached, 1);
    }

    /// <summary>
    /// Leaves a receiver out of broadcast and multicast writes, so that a receiver that died (or fell
    /// behind) no longer fills up and blocks writers. Messages already in its ring stay there.
    /// </summary>
    public void DetachReceiver(int receiverIndex)
    {
        CheckReceiver(receiverIndex);
        var ring = _rings[receiverIndex];
        Volatile.Write(ref ring.Header->Attached, 0);
        ring.WakeWriters(); // writers waiting for room in it re-evaluate their targets
    }

    /// <summary>Whether a receiver is attached.</summary>
    public bool IsReceiverAttached(int receiverIndex)
    {
        CheckReceiver(receiverIndex);
        return _rings[receiverIndex].IsAttached;
    }

    /// <summary>A snapshot of a receiver's ring and reader.</summary>
    public FicmReceiverStatus GetReceiverStatus(int receiverIndex)
    {
        ThrowIfDisposed();
        CheckReceiver(receiverIndex);
        var ring = _rings[receiverIndex];
        var readerTag = (int)Volatile.Read(ref ring.Header->ReaderOwner) - 1;
        return new FicmReceiverStatus(
            receiverIndex,
            ring.IsAttached,
            ring.PendingSlots,
            ring.Capacity,
            Volatile.Read(ref ring.Header->ReaderPid),
            readerTag >= 0 && _participants.IsAlive(readerTag),
            Volatile.Read(ref ring.Header->AbandonedRecords))
        {
            WrittenSlots = ring.TailPosition,
            ReadSlots = ring.HeadPosition,
        };
    }

    /// <summary>
    /// Drops every record that blocks a ring (at its head or its oldest unreleased slot) and whose
    /// owner has died. Waiting readers and writers do this by themselves; this is for a supervisor
    /// that wants it done now. Returns how many records were dropped.
    /// </summary>
    public int RecoverAbandoned()
    {
        ThrowIfDisposed();
        var dropped = 0;
        foreach (var ring in _rings)
        {
            ring.AdvanceReleased();
            while (ring.TryRecover(ring.HeadPosition, _participants, _participants.SelfTag)
                || ring.TryRecover(ring.ReleasedPosition, _participants, _participants.SelfTag))
            {
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Releases this handle; the mapping goes when its readers and writers are disposed too.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Dispose();
        _memory.Release();
    }

    /// <summary>Completes the channel for every process (see <see cref="FicmWriter.TryComplete"/>).</summary>
    internal bool TryComplete(Exception? error)
    {
        if (Interlocked.CompareExchange(ref _header->CompletionState, CompletionWriting, CompletionOpen) != CompletionOpen)
        {
            return false;
        }

        if (error is not null)
        {
            var text = $"{error.GetType().FullName}: {error.Message}";
            var destination = new Span<byte>((byte*)_header + ChannelLayout.CompletionTextOffset, ChannelLayout.CompletionTextCapacity);
            Utf8.FromUtf16(text, destination, out _, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            _header->CompletionTextLength = (uint)written;
        }

        Volatile.Write(ref _header->CompletionState, error is null ? CompletionDone : CompletionFaulted);
        foreach (var ring in _rings)
        {
            ring.WakeReaders();
            ring.WakeWriters();
        }

        return true;
    }

    /// <summary>The exception waits and reads throw once the channel is completed (and, for readers, drained).</summary>
    internal ChannelClosedException CreateClosedException()
    {
        var state = CompletionState;

        // A completion with an error is written in two steps; give the completer a moment to finish.
        for (var spins = 0; state == CompletionWriting && spins < 10_000; spins++)
        {
            Thread.Sleep(spins < 100 ? 0 : 1);
            state = CompletionState;
        }

        if (state != CompletionFaulted)
        {
            return new ChannelClosedException();
        }

        var length = (int)Math.Min(Volatile.Read(ref _header->CompletionTextLength), ChannelLayout.CompletionTextCapacity);
        var text = System.Text.Encoding.UTF8.GetString((byte*)_header + ChannelLayout.CompletionTextOffset, length);
        return new ChannelClosedException($"the channel was completed with an error: {text}", new RemoteChannelError(text));
    }

    /// <summary>Whether the channel was completed with an error (waiting out a completion being written).</summary>
    internal bool IsFaulted()
    {
        var state = CompletionState;
        for (var spins = 0; state == CompletionWriting && spins < 10_000; spins++)
        {
            Thread.Sleep(spins < 100 ? 0 : 1);
            state = CompletionState;
        }

        return state == CompletionFaulted;
    }

    internal void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowHelper.ThrowObjectDisposed(this);
        }
    }

    private static FicmChannel Attach(ChannelMemory memory, ChannelGeometry geometry)
    {
        try
        {
            return new FicmChannel(memory, geometry);
        }
        catch
        {
            memory.Release();
            throw;
        }
    }

    private void CheckReceiver(int receiverIndex) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)receiverIndex, (uint)_rings.Length, nameof(receiverIndex));
}
