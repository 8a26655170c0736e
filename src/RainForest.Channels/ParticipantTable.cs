using Microsoft.Win32.SafeHandles;
using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>
/// This handle's row in the channel's participant table, and the liveness test for everybody else's.
/// </summary>
/// <remarks>
/// <para>
/// Each open channel handle holds an open-file-description write lock (F_OFD_SETLK) on the first
/// byte of one row. The kernel drops it when the handle's descriptor closes, which includes the
/// process dying by SIGKILL. A record's owner tag is the row index plus the low six bits of the
/// row's generation; the owner is alive exactly while the row still has that generation and its
/// lock is held (F_OFD_GETLK).
/// </para>
/// <para>
/// Why not the pid and kill(pid, 0): subOSes run in their own pid namespaces, where the writer's
/// pid means nothing (or another process) to the reader, and pids are reused. A lock on the shared
/// file is visible in every namespace that can see the file.
/// </para>
/// </remarks>
internal sealed unsafe class ParticipantTable : IOwnerLiveness
{
    private const int GenerationBits = 6;
    private const int GenerationMask = (1 << GenerationBits) - 1;

    private readonly SafeFileHandle _fd;
    private readonly byte* _fileBase;
    private readonly string _path;

    /// <summary>Claims a free row for this handle.</summary>
    /// <exception cref="InvalidOperationException">Every row is held by a live handle.</exception>
    public ParticipantTable(SafeFileHandle fd, byte* fileBase, string path)
    {
        _fd = fd;
        _fileBase = fileBase;
        _path = path;
        var header = (ChannelHeader*)fileBase;

        // Start where the last opener left off, so that a crash-looping process does not cycle one
        // row's six-bit generation while its old records may still be waiting to be recovered.
        var start = Interlocked.Increment(ref header->NextParticipant);
        for (var i = 0; i < ChannelLayout.MaxParticipants; i++)
        {
            var index = (int)((start + (uint)i) % ChannelLayout.MaxParticipants);
            if (TryLock(index))
            {
                var entry = Entry(index);
                var generation = Interlocked.Increment(ref entry->Generation);
                entry->Pid = Environment.ProcessId;
                entry->ClaimedUnixTimeNanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                SelfIndex = index;
                SelfTag = TagOf(index, generation);
                return;
            }
        }

        throw new InvalidOperationException($"'{path}' already has {ChannelLayout.MaxParticipants} live participants; close some channel handles first");
    }

    /// <summary>This handle's owner tag, written into the records it claims.</summary>
    public int SelfTag { get; }

    /// <summary>This handle's row.</summary>
    public int SelfIndex { get; }

    /// <summary>The owner tag of a row at a generation.</summary>
    public static int TagOf(int index, uint generation) => index | (int)((generation & GenerationMask) << 8);

    /// <inheritdoc />
    public bool IsAlive(int owner)
    {
        if (owner == SelfTag)
        {
            return true;
        }

        var index = owner & 0xFF;
        var generation = (uint)(owner >> 8) & GenerationMask;
        if ((Volatile.Read(ref Entry(index)->Generation) & GenerationMask) != generation)
        {
            return false; // the row has a newer holder, which needed the old one's lock to be gone
        }

        return SharedFile.IsLockedByOther(_fd, LockOffset(index), _path);
    }

    /// <summary>The pid a row's holder recorded (diagnostic: it is the pid in the holder's namespace).</summary>
    public int PidOf(int owner) => Volatile.Read(ref Entry(owner & 0xFF)->Pid);

    private static long LockOffset(int index) => ChannelLayout.ParticipantTableOffset + ((long)index * ChannelLayout.ParticipantEntrySize);

    private ParticipantEntry* Entry(int index) => (ParticipantEntry*)(_fileBase + LockOffset(index));

    private bool TryLock(int index) => SharedFile.TryLock(_fd, LockOffset(index), _path);
}
