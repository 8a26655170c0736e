using RainForest.Channels;
using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Channels;

/// <summary>
/// The supervisor's channels room: FICM channel files on /dev/shm under the prefix, linked into each member's
/// directory, recorded in the ledger and journalled.
/// </summary>
internal sealed class ChannelLifecycle
{
    // FicmChannel.Create builds a channel under this name in the same directory, then links it into place.
    private const string TemporaryPrefix = "rf-tmp-";

    private readonly ResourceLedger _ledger;
    private readonly Journal _journal;
    private readonly StateDirectory _state;
    private readonly PrefixGuard _guard;
    private readonly SubOsBackends _backends;

    public ChannelLifecycle(ResourceLedger ledger, Journal journal, StateDirectory state, PrefixGuard guard, SubOsBackends backends)
    {
        _ledger = ledger;
        _journal = journal;
        _state = state;
        _guard = guard;
        _backends = backends;
    }

    /// <summary>Every channel.</summary>
    public IReadOnlyList<ChannelRecord> All() => _ledger.Channels();

    /// <summary>
    /// Creates a FICM channel: its shared memory on /dev/shm under the prefix, reachable only inside the
    /// member subOSes at /run/rainforest/channels/NAME (a hard link in each member's bound directory).
    /// </summary>
    public ChannelRecord Create(ChannelOptions options)
    {
        SubOsName.Check(options.Name);
        SubOsName.CheckAll(options.Members, "--members: ");
        return _journal.Run<ChannelRecord>("channel-create", options.Name, () =>
        {
            _ledger.RequireMachine();
            if (_ledger.Channels().Any(c => c.Name == options.Name))
            {
                throw RfException.Conflict($"channel '{options.Name}' already exists");
            }

            var mode = options.Mode;
            if (!Enum.IsDefined(mode))
            {
                throw RfException.Invalid($"--mode {mode}: expected unicast, multicast or broadcast");
            }

            if (options.Members.Count == 0 || options.Members.Distinct(StringComparer.Ordinal).Count() != options.Members.Count)
            {
                throw RfException.Invalid("--members: name each member subOS once (A,B,...)");
            }

            var devices = new List<(string Member, ISubOsBackend Backend)>();
            foreach (var member in options.Members)
            {
                var record = _ledger.Find(member) ?? throw RfException.Invalid($"--members: no subOS named '{member}'");
                if (record.State != SubOsState.Running)
                {
                    throw RfException.Invalid($"--members: subOS '{member}' is not running");
                }

                if (_backends.For(record) is { MapsChannelsAsDevices: true } backend)
                {
                    devices.Add((member, backend));
                }
            }

            // Unicast has one ring that every member may write and read; the other modes give each member a ring.
            var unicast = mode == FicmChannelMode.Unicast;
            var channelOptions = new FicmChannelOptions
            {
                Mode = mode,
                ReceiverCount = unicast ? 1 : options.Members.Count,
                SlotsPerRing = options.Slots,
                MaxMessageSize = options.MaxMessage,

                // Members' roots are different unprivileged host ids; the directory above, which only the
                // host's root may enter, is what keeps everyone else out (see StateDirectory.EnsureChannelRoot).
                FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,

                // A guest member maps the file as an ivshmem device: a power of two in size, found by its label, and
                // reached by no futex wake from here, so sleepers on both sides poll.
                Label = options.Name,
                SpansKernels = devices.Count > 0,
                PadToPowerOfTwo = devices.Count > 0,
            };
            try
            {
                channelOptions.Validate();
            }
            catch (ArgumentException e)
            {
                // ArgumentException appends "(Parameter 'SlotsPerRing')": a .NET name the user never typed.
                var reason = e.ParamName is { } parameter ? e.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal) : e.Message;
                throw RfException.Invalid($"channel '{options.Name}': {reason}");
            }

            var channel = new ChannelRecord(options.Name, mode, options.Slots, options.MaxMessage,
                [.. options.Members.Select((m, i) => new ChannelMember(m, unicast ? 0 : i, true))], DateTimeOffset.UtcNow);
            _ledger.PutChannel(channel);
            var path = _guard.CheckInside(_state.ChannelObject(options.Name));
            _state.EnsureChannelRoot();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FicmChannel.Delete(path);
            var attached = new List<(string Member, ISubOsBackend Backend)>();
            try
            {
                using (FicmChannel.Create(path, channelOptions))
                {
                }

                foreach (var member in options.Members)
                {
                    var dir = _guard.CheckInside(_state.ChannelLinkDirectory(member));
                    Directory.CreateDirectory(dir);
                    var link = _guard.CheckInside(Path.Combine(dir, options.Name));
                    File.Delete(link);

                    // A hard link, not a copy: every member maps the same pages of the tmpfs.
                    Linux.Mounts.HardLink(path, link);
                }

                foreach (var (member, backend) in devices)
                {
                    backend.AttachChannel(member, options.Name, _state.ChannelLinkDirectory(member) + "/" + options.Name);
                    attached.Add((member, backend));
                }
            }
            catch
            {
                DetachDevices(options.Name, attached);
                RemoveFiles(channel);
                throw;
            }

            return (channel, null, $"mode={channel.Mode.ToText()} members={string.Join(',', options.Members)} slots={channel.Slots} max={channel.MaxMessage}");
        });
    }

    /// <summary>Destroys several channels: every name is checked (syntax, then existence) before the first is touched.</summary>
    public void Destroy(IReadOnlyList<string> names, Action<string>? destroyed)
    {
        SubOsName.CheckAll(names);
        var channels = _ledger.Channels();
        var missing = names.Where(n => !channels.Any(c => c.Name == n)).ToList();
        if (missing.Count > 0)
        {
            throw RfException.NotFound($"no channel named {string.Join(", ", missing.Select(n => $"'{n}'"))} (rfm channel ls lists them); nothing was destroyed");
        }

        foreach (var name in names)
        {
            Destroy(name);
            destroyed?.Invoke(name);
        }
    }

    /// <summary>Destroys a channel: unlinks it from every member and frees its memory once the last mapping goes.</summary>
    public void Destroy(string name)
    {
        SubOsName.Check(name);
        _journal.Run("channel-destroy", name, () =>
        {
            var channel = _ledger.Channels().FirstOrDefault(c => c.Name == name)
                ?? throw (SubOsName.Validate(name) is { } error ? RfException.Invalid(error) : RfException.NotFound($"no channel named '{name}' (rfm channel ls lists them)"));
            _ledger.RemoveChannel(name);
            DetachDevices(name, [.. channel.Members.Where(m => m.Attached).Select(m => _ledger.Find(m.SubOs)).OfType<SubOsRecord>()
                .Select(r => (r.Name, _backends.For(r))).Where(d => d.Item2.MapsChannelsAsDevices)]);
            RemoveFiles(channel);
            return (0, $"members={string.Join(',', channel.Members.Select(m => m.SubOs))}", (string?)null);
        });
    }

    /// <summary>A destroyed subOS leaves its channels: its ring is detached (writers skip it) and its links go.</summary>
    public void Leave(string subOs)
    {
        DetachFiles(subOs);
        _ledger.DetachFromChannels(subOs);
    }

    /// <summary>
    /// What <see cref="Leave"/> does outside the ledger: detaches the subOS's rings and removes its member directory (a
    /// destroy on a full disk, whose ledger change waits for space).
    /// </summary>
    public void DetachFiles(string subOs)
    {
        // A unicast ring is shared by every member: it stays attached while any member lives.
        foreach (var channel in _ledger.Channels().Where(c => c.Mode != FicmChannelMode.Unicast && c.Members.Any(m => m.SubOs == subOs && m.Attached)))
        {
            try
            {
                using var open = FicmChannel.Open(_state.ChannelObject(channel.Name));
                open.DetachReceiver(channel.Members.First(m => m.SubOs == subOs).Receiver);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                // The object is gone or damaged; the ledger still records the detachment.
            }
        }

        var dir = _guard.CheckInside(_state.ChannelLinkDirectory(PrefixGuard.CheckComponent(subOs)));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        TidyRoot();
    }

    /// <summary>Removes the prefix's directory on /dev/shm with whatever it still holds (deinit, once every channel is gone).</summary>
    public void RemoveRoot()
    {
        var root = _guard.CheckRoot(_state.ChannelRoot);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Brings the channel files on /dev/shm in line with the ledger after an interrupted command: removes objects,
    /// temporary files, member directories and links that belong to nothing; drops a channel whose memory is gone;
    /// links an attached member's missing channel again. Runs inside reconcile's transaction.
    /// </summary>
    /// <param name="subOses">Every subOS the ledger records (dead ones keep their member directory).</param>
    /// <returns>One entry per repair: what was found and what was done.</returns>
    /// <exception cref="GuardViolationException">A path led outside the prefix; nothing was removed there.</exception>
    public List<(string Target, string Message)> Repair(IReadOnlySet<string> subOses)
    {
        var repairs = new List<(string Target, string Message)>();
        var root = _state.ChannelRoot;
        var channels = _ledger.Channels().ToList();

        // A destroy killed after it removed the memory but before it committed: the channel cannot be used again.
        foreach (var channel in channels.Where(c => !File.Exists(_state.ChannelObject(c.Name))).ToList())
        {
            _ledger.RemoveChannel(channel.Name);
            RemoveFiles(channel);
            channels.Remove(channel);
            repairs.Add((channel.Name, $"channel '{channel.Name}': its memory object was gone (an interrupted destroy?); removed from the ledger with its links"));
        }

        if (!Directory.Exists(root))
        {
            return repairs;
        }

        var names = channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var objects = Path.Combine(root, "objects");
        if (Directory.Exists(objects))
        {
            foreach (var file in Directory.EnumerateFileSystemEntries(objects).Order(StringComparer.Ordinal).ToList())
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
                {
                    DeleteEntry(file);
                    repairs.Add((name, $"temporary channel file {file} of an interrupted channel create; removed"));
                }
                else if (!names.Contains(name))
                {
                    // A create killed after its hot-plug: the guests that map channels as devices let it go first.
                    DetachDevices(name, [.. subOses.Select(_ledger.Find).OfType<SubOsRecord>()
                        .Where(r => r.State == SubOsState.Running && _backends.For(r).MapsChannelsAsDevices).Select(r => (r.Name, _backends.For(r)))]);
                    DeleteEntry(file);
                    repairs.Add((name, $"channel object {file} had no ledger entry (an interrupted channel create?); removed"));
                }
            }
        }

        var members = Path.Combine(root, "members");
        if (Directory.Exists(members))
        {
            foreach (var dir in Directory.EnumerateFileSystemEntries(members).Order(StringComparer.Ordinal).ToList())
            {
                var subOs = Path.GetFileName(dir);
                if (!subOses.Contains(subOs) || !Directory.Exists(dir))
                {
                    DeleteEntry(dir);
                    repairs.Add((subOs, $"member directory {dir} belongs to no subOS (an interrupted create?); removed"));
                    continue;
                }

                foreach (var link in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList())
                {
                    var name = Path.GetFileName(link);
                    if (!channels.Any(c => c.Name == name && c.Members.Any(m => m.SubOs == subOs && m.Attached)))
                    {
                        DeleteEntry(link);
                        repairs.Add((subOs, $"link {link} to no channel of subOS '{subOs}' (an interrupted channel create or destroy?); removed"));
                    }
                }
            }
        }

        // A destroy killed after it unlinked some members but before it committed: the channel still exists.
        foreach (var channel in channels)
        {
            foreach (var member in channel.Members.Where(m => m.Attached && subOses.Contains(m.SubOs)))
            {
                var dir = _guard.CheckInside(_state.ChannelLinkDirectory(PrefixGuard.CheckComponent(member.SubOs)));
                var link = _guard.CheckInside(Path.Combine(dir, PrefixGuard.CheckComponent(channel.Name)));
                if (Directory.Exists(dir) && !File.Exists(link))
                {
                    Linux.Mounts.HardLink(_guard.CheckInside(_state.ChannelObject(channel.Name)), link);
                    repairs.Add((channel.Name, $"channel '{channel.Name}': member '{member.SubOs}' had lost its link (an interrupted destroy?); linked again"));
                }
            }
        }

        TidyRoot();
        if (!Directory.Exists(root))
        {
            repairs.Add((_state.Prefix, $"channel root {root} held no channel and no member; removed"));
        }

        return repairs;
    }

    /// <summary>Unplugs a channel from its guest members before its file goes; a guest that cannot be reached is passed over (it ends with its own QEMU).</summary>
    private static void DetachDevices(string channel, IReadOnlyList<(string Member, ISubOsBackend Backend)> devices)
    {
        foreach (var (member, backend) in devices)
        {
            try
            {
                backend.DetachChannel(member, channel);
            }
            catch (RfException e)
            {
                Console.Error.WriteLine($"rfm: warning: channel '{channel}': {e.Message}");
            }
        }
    }

    private void DeleteEntry(string path)
    {
        var checkedPath = _guard.CheckInside(path);
        if (Directory.Exists(checkedPath) && new FileInfo(checkedPath).LinkTarget is null)
        {
            Directory.Delete(checkedPath, recursive: true);
        }
        else
        {
            File.Delete(checkedPath);
        }
    }

    private void RemoveFiles(ChannelRecord channel)
    {
        foreach (var member in channel.Members)
        {
            var link = _guard.CheckInside(Path.Combine(_state.ChannelLinkDirectory(PrefixGuard.CheckComponent(member.SubOs)), PrefixGuard.CheckComponent(channel.Name)));
            if (File.Exists(link))
            {
                File.Delete(link);
            }
        }

        var memory = _guard.CheckInside(_state.ChannelObject(PrefixGuard.CheckComponent(channel.Name)));
        if (File.Exists(memory))
        {
            File.Delete(memory);
        }

        TidyRoot();
    }

    /// <summary>
    /// Removes the prefix's directory on /dev/shm once it holds no channel object and no member directory
    /// (a running subOS's member directory is bind-mounted into it and must stay).
    /// </summary>
    private void TidyRoot()
    {
        var root = _guard.CheckRoot(_state.ChannelRoot);
        var members = Path.Combine(root, "members");
        if (Directory.Exists(root)
            && !Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Any()
            && (!Directory.Exists(members) || !Directory.EnumerateDirectories(members).Any()))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
