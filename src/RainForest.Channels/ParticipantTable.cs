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
/// <para>
/// It is not visible in another kernel: a guest that maps the channel as an ivshmem device takes its locks in its own
/// kernel. So each row records the kernel (domain) of its holder: a row is claimed only when it is free (domain 0) or
/// already this kernel's, and a holder in another kernel counts as alive until it frees its row. A guest process
/// killed while it held a row leaves that row to its kernel (its records are recovered there, not here).
/// </para>
/// </remarks>
internal sealed unsafe class ParticipantTable : IOwnerLiveness
{
    private const int GenerationBits = 6;
    private const int GenerationMask = (1 << GenerationBits) - 1;

    /// <summary>The domain of processes that map the channel's file (rather than a device in a guest).</summary>
    public const ulong HostDomain = 1;

    private static ulong s_guestDomain;

    private readonly SafeFileHandle _fd;
    private readonly byte* _fileBase;
    private readonly string _path;
    private readonly ulong _domain;

    /// <summary>Claims a free row for this handle.</summary>
    /// <exception cref="InvalidOperationException">Every row is held by a live handle.</exception>
    public ParticipantTable(ChannelMemory memory)
    {
        _fd = memory.Fd;
        _fileBase = memory.Base;
        _path = memory.Path;
        _domain = memory.DeviceBacked ? GuestDomain() : HostDomain;
        var header = (ChannelHeader*)_fileBase;

        // Start where the last opener left off, so that a crash-looping process does not cycle one
        // row's six-bit generation while its old records may still be waiting to be recovered.
        var start = Interlocked.Increment(ref header->NextParticipant);
        for (var i = 0; i < ChannelLayout.MaxParticipants; i++)
        {
            var index = (int)((start + (uint)i) % ChannelLayout.MaxParticipants);
            if (TryLock(index))
            {
                var entry = Entry(index);
                var domain = Volatile.Read(ref entry->Domain);
                if (domain != _domain && (domain != 0 || Interlocked.CompareExchange(ref entry->Domain, _domain, 0) != 0))
                {
                    // Another kernel's row: our lock says nothing about its holder.
                    SharedFile.Unlock(_fd, LockOffset(index), _path);
                    continue;
                }

                memory.Row = entry;
                memory.Domain = _domain;
                var generation = Interlocked.Increment(ref entry->Generation);
                entry->Pid = Environment.ProcessId;
                entry->ClaimedUnixTimeNanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                SelfIndex = index;
                SelfTag = TagOf(index, generation);
                return;
            }
        }

        throw new InvalidOperationException($"'{_path}' already has {ChannelLayout.MaxParticipants} live participants; close some channel handles first");
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

        var domain = Volatile.Read(ref Entry(index)->Domain);
        if (domain != _domain)
        {
            // Freed (0: its holder closed) or another kernel's, whose lock we cannot see: never call a live owner dead.
            return domain != 0;
        }

        return SharedFile.IsLockedByOther(_fd, LockOffset(index), _path);
    }

    /// <summary>The pid a row's holder recorded (diagnostic: it is the pid in the holder's namespace).</summary>
    public int PidOf(int owner) => Volatile.Read(ref Entry(owner & 0xFF)->Pid);

    /// <summary>This kernel's domain as a guest: from its boot id, which differs between guests and between boots.</summary>
    private static ulong GuestDomain()
    {
        if (s_guestDomain == 0)
        {
            string text;
            try
            {
                text = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            }
            catch (IOException)
            {
                // No boot id: a domain of this process alone, which sees every other holder as alive (never unsafe).
                text = Guid.NewGuid().ToString();
            }

            // The top bit keeps it clear of 0 (free) and HostDomain.
            s_guestDomain = Fnv1a.Hash(System.Text.Encoding.ASCII.GetBytes(text)) | (1UL << 63);
        }

        return s_guestDomain;
    }

    private static long LockOffset(int index) => ChannelLayout.ParticipantTableOffset + ((long)index * ChannelLayout.ParticipantEntrySize);

    private ParticipantEntry* Entry(int index) => (ParticipantEntry*)(_fileBase + LockOffset(index));

    private bool TryLock(int index) => SharedFile.TryLock(_fd, LockOffset(index), _path);
}
