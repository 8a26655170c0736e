using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Ledger;

/// <summary>
/// The supervisor's resource descriptions and journal, in SQLite. The supervisor is its only writer.
/// </summary>
/// <remarks>
/// Every change runs inside <see cref="BeginWrite"/>, a <c>BEGIN IMMEDIATE</c> transaction that other
/// rfm processes wait for (busy timeout), so two commands racing for one CPU are serialised: the
/// second sees the first's result and fails cleanly. The supervisor applies kernel changes while the
/// transaction is open and commits only when they succeeded; a process killed in between leaves an
/// uncommitted transaction, which SQLite discards, and kernel objects that reconcile removes.
/// A CPU's owner is the primary key of <c>cpu_owner</c>, so the database itself refuses two owners.
/// </remarks>
public sealed partial class ResourceLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _directory;
    private readonly string? _fullFileSystem;
    private MachineRecord? _machine;
    private SqliteTransaction? _transaction;

    private ResourceLedger(SqliteConnection connection, string directory, string? fullFileSystem)
    {
        _connection = connection;
        _directory = directory;
        _fullFileSystem = fullFileSystem;
    }

    /// <summary>Opens (creating if needed) the ledger at <paramref name="path"/>.</summary>
    /// <remarks>
    /// On a full file system the ordinary open fails: SQLite must grow <c>ledger.db-shm</c>, the WAL index, which the
    /// last connection to close deleted (SQLITE_IOERR_SHMSIZE, "disk I/O error"). The ledger then opens in exclusive
    /// locking mode, set before the first read, which keeps the WAL index in this process's memory: reading needs no
    /// new block, the log of a process killed mid-write is still read (measured on a full tmpfs, with and without a
    /// WAL, a leftover -shm, and a killed writer's log). <c>CREATE TABLE IF NOT EXISTS</c> writes nothing when the
    /// table is there. Such a ledger reads (<see cref="IsFull"/>); its writes fail with <see cref="LedgerFullException"/>.
    /// While it is open, other rfm processes wait for it (busy timeout), as they wait for a writer.
    /// </remarks>
    /// <exception cref="LedgerFullException">The ledger does not exist yet and its file system is full.</exception>
    /// <exception cref="RfException">SQLite could not open or read it.</exception>
    public static ResourceLedger Open(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        var existed = File.Exists(path);
        try
        {
            return Connect(path, directory, fullFileSystem: null);
        }
        catch (LedgerFullException full)
        {
            if (!existed)
            {
                // Nothing to read, and an empty file would pass for an initialised state directory.
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }

                throw new LedgerFullException(full.FileSystem, $"{full.FileSystem} is full: cannot create the ledger {path}; nothing was changed (free space there, then run it again)", full);
            }

            try
            {
                // A ledger that needs a migration still fails here (LedgerFullException): that must write.
                return Connect(path, directory, full.FileSystem);
            }
            catch (SqliteException e)
            {
                throw RfException.Failed($"cannot open the ledger {path}: {e.Message}");
            }
        }
        catch (SqliteException e)
        {
            throw RfException.Failed($"cannot open the ledger {path}: {e.Message}");
        }
    }

    private static ResourceLedger Connect(string path, string directory, string? fullFileSystem)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 60 };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var ledger = new ResourceLedger(connection, directory, fullFileSystem);
            if (fullFileSystem is not null)
            {
                // Before anything reads: the WAL index then lives in this process's memory, not in a -shm to grow.
                ledger.Execute("PRAGMA locking_mode = EXCLUSIVE;");
            }

            ledger.Execute("PRAGMA busy_timeout = 60000;");
            if (fullFileSystem is null)
            {
                ledger.Execute("PRAGMA journal_mode = WAL;");
            }

            ledger.Execute("PRAGMA synchronous = NORMAL;");
            ledger.Execute("PRAGMA foreign_keys = ON;");
            ledger.CreateSchema();
            ledger.Migrate();
            ledger.CreateElasticSchema();
            return ledger;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the ledger was opened on a full file system: it reads, and every change fails with
    /// <see cref="LedgerFullException"/> before anything is touched.
    /// </summary>
    public bool IsFull => _fullFileSystem is not null;

    /// <summary>
    /// The error a change gets when the ledger's file system is full: opened so (<see cref="IsFull"/>), or with less than
    /// <see cref="StateFileSystem.Headroom"/> free now. Null when the ledger can be written.
    /// </summary>
    /// <remarks>
    /// Every write transaction asks first (one statvfs), so a change on a full disk is refused before it touches the
    /// kernel, also when another process's open connection let this one open the ledger as usual.
    /// </remarks>
    public LedgerFullException? SpaceError() =>
        _fullFileSystem is { } fileSystem ? new LedgerFullException(fileSystem)
        : StateFileSystem.IsFull(_directory) ? new LedgerFullException(StateFileSystem.Describe(_directory))
        : null;

    private void CreateSchema()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS subos (
                name TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                cpus TEXT NOT NULL,
                mems TEXT NOT NULL,
                memory INTEGER NOT NULL CHECK (memory > 0),
                rootfs TEXT NOT NULL,
                created TEXT NOT NULL,
                agent_pid INTEGER NOT NULL DEFAULT 0,
                agent_start INTEGER NOT NULL DEFAULT 0,
                monitor_pid INTEGER NOT NULL DEFAULT 0,
                revision INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS cpu_owner (
                cpu INTEGER PRIMARY KEY,
                owner TEXT NOT NULL REFERENCES subos(name) ON DELETE CASCADE);
            CREATE TABLE IF NOT EXISTS device_owner (
                device TEXT PRIMARY KEY,
                owner TEXT NOT NULL REFERENCES subos(name) ON DELETE CASCADE);
            CREATE TABLE IF NOT EXISTS channel (
                name TEXT PRIMARY KEY, mode TEXT NOT NULL, slots INTEGER NOT NULL, max_message INTEGER NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS channel_member (
                channel TEXT NOT NULL REFERENCES channel(name) ON DELETE CASCADE,
                member TEXT NOT NULL,
                idx INTEGER NOT NULL,
                attached INTEGER NOT NULL,
                PRIMARY KEY (channel, member));
            CREATE TABLE IF NOT EXISTS host_saved (
                kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key));
            CREATE TABLE IF NOT EXISTS journal (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time TEXT NOT NULL,
                op TEXT NOT NULL,
                target TEXT NOT NULL,
                before TEXT,
                after TEXT,
                duration_ms REAL NOT NULL,
                outcome TEXT NOT NULL,
                message TEXT);
            """);
    }

    private void Migrate()
    {
        // Ledgers written before RFloop lack the network columns; SQLite adds them in place.
        using var cmd = Command("SELECT name FROM pragma_table_info('subos')");
        using var reader = cmd.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        reader.Close();
        if (!columns.Contains("net"))
        {
            Execute("ALTER TABLE subos ADD COLUMN net TEXT NOT NULL DEFAULT 'none'");
            Execute("ALTER TABLE subos ADD COLUMN address TEXT");
            Execute("CREATE UNIQUE INDEX IF NOT EXISTS subos_address ON subos(address) WHERE address IS NOT NULL");
        }

        // Ledgers written before the Security Guard: their subOSes ran privileged, without a pids limit.
        if (!columns.Contains("privileged"))
        {
            Execute("ALTER TABLE subos ADD COLUMN privileged INTEGER NOT NULL DEFAULT 1");
            Execute("ALTER TABLE subos ADD COLUMN id_base INTEGER NOT NULL DEFAULT 0");
            Execute("ALTER TABLE subos ADD COLUMN pids_max INTEGER NOT NULL DEFAULT 0");
        }

        // Ledgers written before backends held cells only.
        if (!columns.Contains("backend"))
        {
            Execute("ALTER TABLE subos ADD COLUMN backend TEXT NOT NULL DEFAULT 'cell'");
        }

        // Ledgers written before the kernel backend: no subOS had a guest.
        if (!columns.Contains("guest"))
        {
            Execute("ALTER TABLE subos ADD COLUMN guest TEXT");
        }

        // No two subOSes share a host id range: the index, not the caller, guarantees it.
        Execute("CREATE UNIQUE INDEX IF NOT EXISTS subos_id_base ON subos(id_base) WHERE id_base <> 0");
    }

    /// <summary>Starts the write transaction; dispose it without <see cref="Commit"/> to roll back.</summary>
    public IDisposable BeginWrite()
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A write transaction is already open.");
        }

        if (SpaceError() is { } full)
        {
            throw full;
        }

        try
        {
            _transaction = _connection.BeginTransaction(deferred: false);
        }
        catch (SqliteException e)
        {
            throw RfException.Failed($"the ledger is busy or unwritable: {e.Message}");
        }

        return new Scope(this);
    }

    /// <summary>Commits the open write transaction.</summary>
    public void Commit()
    {
        var tx = _transaction ?? throw new InvalidOperationException("No write transaction is open.");
        try
        {
            tx.Commit();
        }
        catch (SqliteException e) when (IsOutOfSpace(e))
        {
            // The transaction stays open; the caller's scope rolls it back.
            throw WriteFailed(e);
        }

        tx.Dispose();
        _transaction = null;
    }

    private void Rollback()
    {
        if (_transaction is { } tx)
        {
            _transaction = null;
            _machine = null;
            try
            {
                tx.Rollback();
            }
            catch (SqliteException)
            {
                // The connection already rolled back (for example after a disk-full error).
            }

            tx.Dispose();
        }
    }

    /// <summary>True once <c>rfm init</c> has recorded the machine.</summary>
    public bool IsInitialized => GetMeta("machine") is not null;

    /// <summary>The machine record, or null before init.</summary>
    public MachineRecord? Machine
    {
        get
        {
            if (_machine is not null)
            {
                return _machine;
            }

            var json = GetMeta("machine");
            if (json is null)
            {
                return null;
            }

            // Source-generated: a reflection-based first deserialisation costs every rfm command ~100 ms.
            var stored = JsonSerializer.Deserialize(json, LedgerJsonContext.Default.StoredMachine) ?? throw new InvalidDataException("corrupt machine record");
            return _machine = new MachineRecord
            {
                Topology = stored.Topology,
                ReserveCpus = CpuSet.Parse(stored.ReserveCpus),
                ReserveMemory = new ByteSize(stored.ReserveMemory),
                Prefix = stored.Prefix,
                CgroupMode = EnumText.Parse<CgroupMode>(stored.CgroupMode),
                Initialized = stored.Initialized,
                HostConfined = stored.HostConfined,
            };
        }
    }

    /// <summary>Records the machine (inside a write transaction).</summary>
    public void SetMachine(MachineRecord? machine)
    {
        _machine = null;
        if (machine is null)
        {
            Execute("DELETE FROM meta WHERE key = 'machine'");
            return;
        }

        var stored = new StoredMachine(machine.Topology, machine.ReserveCpus.ToString(), machine.ReserveMemory.Bytes, machine.Prefix, machine.CgroupMode.ToText(), machine.Initialized, machine.HostConfined);
        Execute("INSERT INTO meta (key, value) VALUES ('machine', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            ("$v", JsonSerializer.Serialize(stored, LedgerJsonContext.Default.StoredMachine)));
    }

    /// <summary>All subOSes, by name.</summary>
    public IReadOnlyList<SubOsRecord> List()
    {
        using var cmd = Command("SELECT name, state, cpus, mems, memory, rootfs, created, agent_pid, agent_start, monitor_pid, revision, net, address, privileged, id_base, pids_max, backend, guest FROM subos ORDER BY name");
        using var reader = cmd.ExecuteReader();
        var result = new List<SubOsRecord>();
        while (reader.Read())
        {
            result.Add(new SubOsRecord
            {
                Name = reader.GetString(0),
                State = Enum.Parse<SubOsState>(reader.GetString(1)),
                Cpus = CpuSet.Parse(reader.GetString(2)),
                Mems = NodeSet.Parse(reader.GetString(3)),
                Memory = new ByteSize(reader.GetInt64(4)),
                RootFs = reader.GetString(5),
                Created = DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture),
                AgentPid = reader.GetInt32(7),
                AgentStart = reader.GetInt64(8),
                MonitorPid = reader.GetInt32(9),
                Revision = reader.GetInt32(10),
                Net = EnumText.Parse<NetMode>(reader.GetString(11)),
                Address = reader.IsDBNull(12) ? null : reader.GetString(12),
                Privileged = reader.GetInt64(13) != 0,
                IdBase = reader.GetInt64(14),
                PidsMax = reader.GetInt64(15),
                Backend = EnumText.Parse<SubOsBackendKind>(reader.GetString(16)),
                Guest = reader.IsDBNull(17) ? null : JsonSerializer.Deserialize(reader.GetString(17), LedgerJsonContext.Default.GuestSpec),
            });
        }

        reader.Close();
        return [.. result.Select(r => r with { Nics = DevicesOf(r.Name) })];
    }

    /// <summary>One subOS, or null.</summary>
    public SubOsRecord? Find(string name) => List().FirstOrDefault(s => s.Name == name);

    /// <summary>The backend of one subOS, or null when there is none of that name (one row: cheap enough to poll).</summary>
    public SubOsBackendKind? BackendOf(string name)
    {
        using var cmd = Command("SELECT backend FROM subos WHERE name = $name", ("$name", name));
        return cmd.ExecuteScalar() is string text ? EnumText.Parse<SubOsBackendKind>(text) : null;
    }

    /// <summary>Inserts or replaces a subOS and its CPU ownership (inside a write transaction).</summary>
    public void Put(SubOsRecord record)
    {
        RequireTransaction();
        Execute("""
            INSERT INTO subos (name, state, cpus, mems, memory, rootfs, created, agent_pid, agent_start, monitor_pid, revision, net, address, privileged, id_base, pids_max, backend, guest)
            VALUES ($name, $state, $cpus, $mems, $memory, $rootfs, $created, $agent, $start, $monitor, $revision, $net, $address, $privileged, $idbase, $pids, $backend, $guest)
            ON CONFLICT(name) DO UPDATE SET state = excluded.state, cpus = excluded.cpus, mems = excluded.mems,
                memory = excluded.memory, rootfs = excluded.rootfs, agent_pid = excluded.agent_pid,
                agent_start = excluded.agent_start, monitor_pid = excluded.monitor_pid, revision = excluded.revision,
                net = excluded.net, address = excluded.address, privileged = excluded.privileged, id_base = excluded.id_base,
                pids_max = excluded.pids_max, backend = excluded.backend, guest = excluded.guest
            """,
            ("$name", record.Name), ("$state", record.State.ToString()), ("$cpus", record.Cpus.ToString()), ("$mems", record.Mems.ToString()),
            ("$memory", record.Memory.Bytes), ("$rootfs", record.RootFs), ("$created", record.Created.ToString("O", CultureInfo.InvariantCulture)),
            ("$agent", record.AgentPid), ("$start", record.AgentStart), ("$monitor", record.MonitorPid), ("$revision", record.Revision),
            ("$net", record.Net.ToText()), ("$address", record.Address), ("$privileged", record.Privileged ? 1 : 0), ("$idbase", record.IdBase),
            ("$pids", record.PidsMax), ("$backend", record.Backend.ToText()),
            ("$guest", record.Guest is null ? null : JsonSerializer.Serialize(record.Guest, LedgerJsonContext.Default.GuestSpec)));
        Execute("DELETE FROM cpu_owner WHERE owner = $name", ("$name", record.Name));
        foreach (var cpu in record.Cpus)
        {
            // The primary key makes a second owner of one CPU impossible, whatever the caller checked.
            Execute("INSERT INTO cpu_owner (cpu, owner) VALUES ($cpu, $name)", ("$cpu", cpu), ("$name", record.Name));
        }

        Execute("DELETE FROM device_owner WHERE owner = $name", ("$name", record.Name));
        foreach (var device in record.Nics)
        {
            // As for CPUs, the primary key gives every device at most one owner.
            Execute("INSERT INTO device_owner (device, owner) VALUES ($d, $name)", ("$d", "net:" + device), ("$name", record.Name));
        }
    }

    /// <summary>All channels, by name.</summary>
    public IReadOnlyList<Channels.ChannelRecord> Channels()
    {
        var members = new Dictionary<string, List<Channels.ChannelMember>>(StringComparer.Ordinal);
        using (var cmd = Command("SELECT channel, member, idx, attached FROM channel_member ORDER BY channel, idx"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                var list = members.TryGetValue(reader.GetString(0), out var l) ? l : members[reader.GetString(0)] = [];
                list.Add(new Channels.ChannelMember(reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3) != 0));
            }
        }

        using var channels = Command("SELECT name, mode, slots, max_message, created FROM channel ORDER BY name");
        using var rows = channels.ExecuteReader();
        var result = new List<Channels.ChannelRecord>();
        while (rows.Read())
        {
            var name = rows.GetString(0);
            result.Add(new Channels.ChannelRecord(name, EnumText.Parse<RainForest.Channels.FicmChannelMode>(rows.GetString(1)), rows.GetInt32(2), rows.GetInt32(3),
                members.TryGetValue(name, out var m) ? m : [], DateTimeOffset.Parse(rows.GetString(4), CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>Records a channel and its members (inside a write transaction).</summary>
    public void PutChannel(Channels.ChannelRecord channel)
    {
        RequireTransaction();
        Execute("INSERT INTO channel (name, mode, slots, max_message, created) VALUES ($n, $m, $s, $x, $c)",
            ("$n", channel.Name), ("$m", channel.Mode.ToText()), ("$s", channel.Slots), ("$x", channel.MaxMessage), ("$c", channel.Created.ToString("O", CultureInfo.InvariantCulture)));
        foreach (var member in channel.Members)
        {
            Execute("INSERT INTO channel_member (channel, member, idx, attached) VALUES ($c, $m, $i, $a)",
                ("$c", channel.Name), ("$m", member.SubOs), ("$i", member.Receiver), ("$a", member.Attached ? 1 : 0));
        }
    }

    /// <summary>Marks a subOS detached from every channel it belongs to (inside a write transaction).</summary>
    public void DetachFromChannels(string subOs) =>
        Execute("UPDATE channel_member SET attached = 0 WHERE member = $m", ("$m", subOs));

    /// <summary>Removes a channel (inside a write transaction).</summary>
    public void RemoveChannel(string name)
    {
        RequireTransaction();
        Execute("DELETE FROM channel WHERE name = $n", ("$n", name));
    }

    /// <summary>The owner of a device (<c>net:eth1</c>), or null.</summary>
    public string? DeviceOwner(string device)
    {
        using var cmd = Command("SELECT owner FROM device_owner WHERE device = $d", ("$d", device));
        return cmd.ExecuteScalar() as string;
    }

    private List<string> DevicesOf(string name)
    {
        using var cmd = Command("SELECT device FROM device_owner WHERE owner = $name ORDER BY device", ("$name", name));
        using var reader = cmd.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0)["net:".Length..]);
        }

        return result;
    }

    /// <summary>Removes a subOS and frees its resources (inside a write transaction).</summary>
    public void Remove(string name)
    {
        RequireTransaction();
        Execute("DELETE FROM subos WHERE name = $name", ("$name", name));
    }

    /// <summary>Builds the allocation rules for the current state.</summary>
    public ResourcePool Pool()
    {
        var machine = Machine ?? throw RfException.NotInitialised("the supervisor is not initialised: run 'rfm init' first");
        var owners = List().ToDictionary(s => s.Name, s => s.Allocation());
        return new ResourcePool(machine.Topology, machine.ReserveCpus, machine.ReserveMemory, owners);
    }

    /// <summary>Appends to the journal (in its own transaction when none is open).</summary>
    public JournalEntry Append(string operation, string target, string? before, string? after, TimeSpan duration, JournalOutcome outcome, string? message)
    {
        var time = DateTimeOffset.UtcNow - duration;
        Execute("INSERT INTO journal (time, op, target, before, after, duration_ms, outcome, message) VALUES ($t, $op, $target, $before, $after, $d, $outcome, $msg)",
            ("$t", time.ToString("O", CultureInfo.InvariantCulture)), ("$op", operation), ("$target", target), ("$before", before), ("$after", after),
            ("$d", duration.TotalMilliseconds), ("$outcome", outcome.ToText()), ("$msg", message));
        using var cmd = Command("SELECT last_insert_rowid()");
        var id = (long)(cmd.ExecuteScalar() ?? 0L);
        return new JournalEntry(id, time, operation, target, before, after, duration.TotalMilliseconds, outcome, message);
    }

    /// <summary>The journal, oldest first; <paramref name="last"/> limits it to the newest entries.</summary>
    public IReadOnlyList<JournalEntry> Journal(int? last = null, string? target = null)
    {
        using var cmd = Command("""
            SELECT id, time, op, target, before, after, duration_ms, outcome, message FROM (
                SELECT * FROM journal WHERE ($target IS NULL OR target = $target) ORDER BY id DESC LIMIT $limit)
            ORDER BY id
            """, ("$target", target), ("$limit", last ?? -1));
        return ReadJournal(cmd);
    }

    /// <summary>The entries after <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/> (the service's event stream).</summary>
    public IReadOnlyList<JournalEntry> JournalAfter(long afterId, int limit)
    {
        using var cmd = Command(
            "SELECT id, time, op, target, before, after, duration_ms, outcome, message FROM journal WHERE id > $after ORDER BY id LIMIT $limit",
            ("$after", afterId), ("$limit", limit));
        return ReadJournal(cmd);
    }

    private static List<JournalEntry> ReadJournal(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var result = new List<JournalEntry>();
        while (reader.Read())
        {
            result.Add(new JournalEntry(
                reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetDouble(6), EnumText.Parse<JournalOutcome>(reader.GetString(7)), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return result;
    }

    /// <summary>Saves a host setting changed by --confine-host, so that deinit can restore it (inside a write transaction).</summary>
    /// <remarks>The first value saved is the host's own: a second confine must not overwrite it (OR IGNORE).</remarks>
    public void SaveHostSetting(string kind, string key, string value) =>
        Execute("INSERT OR IGNORE INTO host_saved (kind, key, value) VALUES ($k, $key, $v)", ("$k", kind), ("$key", key), ("$v", value));

    /// <summary>Host settings saved by --confine-host.</summary>
    public IReadOnlyList<(string Kind, string Key, string Value)> SavedHostSettings()
    {
        using var cmd = Command("SELECT kind, key, value FROM host_saved ORDER BY kind, key");
        using var reader = cmd.ExecuteReader();
        var result = new List<(string, string, string)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Forgets one saved host setting (inside a write transaction).</summary>
    public void ForgetHostSetting(string kind, string key) =>
        Execute("DELETE FROM host_saved WHERE kind = $k AND key = $key", ("$k", kind), ("$key", key));

    /// <summary>Forgets the saved host settings (inside a write transaction).</summary>
    public void ClearHostSettings() => Execute("DELETE FROM host_saved WHERE kind <> 'nic-irq'");

    /// <summary>
    /// Checks the ledger's invariants against its own rows and returns every violation found (empty when sound):
    /// CPU ownership matches the subOS rows, no CPU is owned twice or reserved, every CPU exists and is online,
    /// and owned memory fits in the machine minus the reserve.
    /// </summary>
    public IReadOnlyList<string> CheckInvariants()
    {
        var problems = new List<string>();
        var machine = Machine;
        var subs = List();
        var owners = new Dictionary<int, string>();
        using (var cmd = Command("SELECT cpu, owner FROM cpu_owner"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                owners[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var seen = new Dictionary<int, string>();
        foreach (var s in subs)
        {
            foreach (var cpu in s.Cpus)
            {
                if (seen.TryGetValue(cpu, out var other))
                {
                    problems.Add($"CPU {cpu} is in both '{other}' and '{s.Name}'");
                }

                seen[cpu] = s.Name;
                if (!owners.TryGetValue(cpu, out var owner) || owner != s.Name)
                {
                    problems.Add($"CPU {cpu} of '{s.Name}' is not recorded as its own");
                }
            }
        }

        foreach (var (cpu, owner) in owners)
        {
            if (!seen.TryGetValue(cpu, out var holder) || holder != owner)
            {
                problems.Add($"cpu_owner says CPU {cpu} is '{owner}''s but its row disagrees");
            }
        }

        if (machine is not null)
        {
            var online = machine.Topology.OnlineCpus;
            foreach (var cpu in seen.Keys)
            {
                if (!online.Contains(cpu))
                {
                    problems.Add($"CPU {cpu} is owned but not online");
                }

                if (machine.ReserveCpus.Contains(cpu))
                {
                    problems.Add($"CPU {cpu} is owned but reserved for the supervisor");
                }
            }

            var owned = subs.Sum(s => s.Memory.Bytes);
            var limit = machine.Topology.MemTotalBytes - machine.ReserveMemory.Bytes;
            if (owned > limit)
            {
                problems.Add($"subOSes own {new ByteSize(owned)} but only {new ByteSize(limit)} may be handed out");
            }
        }

        return problems;
    }

    private string? GetMeta(string key)
    {
        using var cmd = Command("SELECT value FROM meta WHERE key = $k", ("$k", key));
        return cmd.ExecuteScalar() as string;
    }

    private void RequireTransaction()
    {
        if (_transaction is null)
        {
            throw new InvalidOperationException("Ledger changes need a write transaction (BeginWrite).");
        }
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(sql, parameters);
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException e) when (IsOutOfSpace(e))
        {
            // The transaction rolls back whole.
            throw WriteFailed(e);
        }
    }

    /// <summary>SQLITE_FULL, or SQLITE_IOERR (growing the WAL index on a full disk fails as an I/O error).</summary>
    private static bool IsOutOfSpace(SqliteException e) => e.SqliteErrorCode is 13 or 10;

    private RfException WriteFailed(SqliteException e) =>
        SpaceError() is { } full ? new LedgerFullException(full.FileSystem, inner: e) : RfException.Failed($"cannot write the ledger: {e.Message}", e);

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Rollback();
        _connection.Dispose();
    }

    /// <summary>The machine record as stored: CPU sets, sizes and the cgroup mode as plain values.</summary>
    internal sealed record StoredMachine(MachineTopology Topology, string ReserveCpus, long ReserveMemory, string Prefix, string CgroupMode, DateTimeOffset Initialized, bool HostConfined);

    private sealed class Scope(ResourceLedger ledger) : IDisposable
    {
        public void Dispose() => ledger.Rollback();
    }
}
