using Microsoft.Data.Sqlite;
using RainForest.Channels;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Unit;

public sealed class ResourceLedgerTests : IDisposable
{
    private readonly TestLedger _file = new();

    private static void Put(ResourceLedger ledger, params SubOsRecord[] records)
    {
        using (ledger.BeginWrite())
        {
            foreach (var record in records)
            {
                ledger.Put(record);
            }

            ledger.Commit();
        }
    }

    private List<(long Cpu, string Owner)> CpuOwners()
    {
        using var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT cpu, owner FROM cpu_owner ORDER BY cpu";
        using var reader = cmd.ExecuteReader();
        var result = new List<(long, string)>();
        while (reader.Read())
        {
            result.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return result;
    }

    private List<string> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private void Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void Open_NewFile_CreatesEveryTableAndIsEmpty()
    {
        var ledger = _file.Open();

        using (var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = cmd.ExecuteReader();
            var tables = new List<string>();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }

            Assert.Equal(["channel", "channel_member", "cpu_owner", "device_owner", "host_saved", "journal", "loan", "meta", "policy", "subos", "subos_elastic"], tables);
        }

        Assert.False(ledger.IsInitialized);
        Assert.Null(ledger.Machine);
        Assert.Empty(ledger.List());
        Assert.Empty(ledger.Journal());
        Assert.Empty(ledger.SavedHostSettings());
        Assert.Empty(ledger.CheckInvariants());
    }

    [Fact]
    public void Open_ExistingFile_KeepsWhatWasCommitted()
    {
        using (var first = ResourceLedger.Open(_file.Path))
        {
            using (first.BeginWrite())
            {
                first.SetMachine(TestLedger.Machine());
                first.Put(TestLedger.Record("web", "1-2"));
                first.Commit();
            }
        }

        var again = _file.Open();

        Assert.True(again.IsInitialized);
        Assert.Equal(["web"], again.List().Select(s => s.Name));
    }

    [Fact]
    public void Open_LedgerWrittenBeforeBackends_MigratesAndReadsBackUnchanged()
    {
        // The dump of a ledger rfm wrote at 8afafa6 (init, two subOSes, a broadcast channel, a rejected create, a
        // resize), when net, channel mode, mems, cgroup mode and journal outcomes were strings and no subOS had a backend.
        Sql(File.ReadAllText(TestLedger.FixturePath("ledgers", "before-backends.sql")));

        var ledger = _file.Open();

        var machine = ledger.Machine!;
        Assert.Equal(CgroupMode.Hybrid, machine.CgroupMode);
        Assert.Equal("rf-a07847c8", machine.Prefix);
        var subs = ledger.List();
        Assert.Equal(["db", "web"], subs.Select(s => s.Name));
        Assert.All(subs, s => Assert.Equal(SubOsBackendKind.Cell, s.Backend));
        var web = subs[1];
        Assert.Equal((NodeSet.Of(0), NetMode.None, ByteSize.Parse("200M"), 1, 1024L, false), (web.Mems, web.Net, web.Memory, web.Revision, web.PidsMax, web.Privileged));
        Assert.Equal((true, 300L), (subs[0].Privileged, subs[0].PidsMax));
        var channel = Assert.Single(ledger.Channels());
        Assert.Equal(FicmChannelMode.Broadcast, channel.Mode);
        Assert.Equal([new ChannelMember("web", 0, true), new ChannelMember("db", 1, true)], channel.Members);
        Assert.Equal(
            [JournalOutcome.Ok, JournalOutcome.Ok, JournalOutcome.Ok, JournalOutcome.Ok, JournalOutcome.Rejected, JournalOutcome.Ok],
            ledger.Journal().Select(e => e.Outcome));
        Assert.Empty(ledger.CheckInvariants());

        // Written back, every value keeps the text the ledger held before; the backend is a column of its own.
        Put(ledger, web with { Net = NetMode.Loop, Address = "10.77.0.2", Revision = 2 });
        using (ledger.BeginWrite())
        {
            ledger.Append("repair", "web", null, null, TimeSpan.Zero, JournalOutcome.Repaired, "test");
            ledger.Commit();
        }

        Assert.Equal(["Running|0|loop|cell", "Running|0|none|cell"], Rows("SELECT state || '|' || mems || '|' || net || '|' || backend FROM subos ORDER BY name DESC"));
        Assert.Equal(["ok", "ok", "ok", "ok", "rejected", "ok", "repaired"], Rows("SELECT outcome FROM journal ORDER BY id"));
        Assert.Equal(["broadcast"], Rows("SELECT mode FROM channel"));
        Assert.Contains("\"CgroupMode\":\"hybrid\"", Rows("SELECT value FROM meta WHERE key = 'machine'")[0], StringComparison.Ordinal);
        Assert.Equal(web with { Net = NetMode.Loop, Address = "10.77.0.2", Revision = 2 }, _file.Open().Find("web"));
    }

    [Fact]
    public void Open_ElasticTablesFromBeforeIdleSharing_GainTheColumns_AndALendersDeleteClearsIdleOn()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1"), TestLedger.Record("batch", "2"));
        ledger.Dispose();

        // The elastic tables as the first controller wrote them: no idle_on, no idle_share.
        Sql("""
            ALTER TABLE subos_elastic DROP COLUMN idle_on;
            ALTER TABLE policy DROP COLUMN idle_share;
            INSERT INTO subos_elastic (name, parked_cpus, cpu_quota) VALUES ('batch', NULL, 0.5);
            INSERT INTO policy (taker, donor, kind, slo, probe, window_us, lt_us, ut_us, min_cpus, max_cpus, donor_floor, rate, memory_step, donor_memory_floor, updated)
            VALUES ('web', 'batch', 'slack', 'p99<=5ms', 'tcp://web.rf:1', 500000, 0, 0, 1, NULL, 0, 200, 0, 0, '2026-12-01T00:00:00Z');
            """);

        var again = _file.Open();

        Assert.Equal(new ElasticState(null, 0.5), again.ElasticStateOf("batch"));
        Assert.False(Assert.Single(again.Policies()).IdleShare);
        using (again.BeginWrite())
        {
            again.PutElasticState("batch", new ElasticState(null, 0.5, "web"));
            again.Commit();
        }

        Assert.Equal(["batch"], again.IdleBorrowersOf("web"));
        Assert.Equal(CpuSet.Parse("1-2"), again.KernelCpusOf(again.Find("batch")!));
        using (again.BeginWrite())
        {
            again.Remove("web");
            again.Commit();
        }

        Assert.Equal(new ElasticState(null, 0.5), again.ElasticStateOf("batch"));
        Assert.Equal(CpuSet.Parse("2"), again.KernelCpusOf(again.Find("batch")!));
    }

    [Fact]
    public void BackendOf_KnownAndUnknown()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1"));

        Assert.Equal(SubOsBackendKind.Cell, ledger.BackendOf("web"));
        Assert.Null(ledger.BackendOf("nosuch"));
    }

    [Fact]
    public void Open_PathIsADirectory_FailsWithExitCode1()
    {
        var dir = Path.Combine(Path.GetDirectoryName(_file.Path)!, "a-dir");
        Directory.CreateDirectory(dir);

        var e = Assert.Throws<RfException>(() => ResourceLedger.Open(dir));

        Assert.Equal(RfException.FailureExitCode, e.ExitCode);
        Assert.Contains("cannot open the ledger " + dir, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetMachine_RoundTrips()
    {
        var ledger = _file.Open();
        var machine = TestLedger.Machine() with { HostConfined = true };

        using (ledger.BeginWrite())
        {
            ledger.SetMachine(machine);
            ledger.Commit();
        }

        var read = _file.Open().Machine!;
        Assert.Equal(machine.Topology.MachineKey, read.Topology.MachineKey);
        Assert.Equal(machine.Topology.Cpus, read.Topology.Cpus);
        Assert.Equal(machine.Topology.MemTotalBytes, read.Topology.MemTotalBytes);
        Assert.Equal(machine.ReserveCpus, read.ReserveCpus);
        Assert.Equal(machine.ReserveMemory, read.ReserveMemory);
        Assert.Equal(machine.Prefix, read.Prefix);
        Assert.Equal(machine.CgroupMode, read.CgroupMode);
        Assert.Equal(machine.Initialized, read.Initialized);
        Assert.True(read.HostConfined);
    }

    [Fact]
    public void SetMachine_Null_ForgetsIt()
    {
        var ledger = _file.OpenInitialized();

        using (ledger.BeginWrite())
        {
            ledger.SetMachine(null);
            ledger.Commit();
        }

        Assert.False(ledger.IsInitialized);
        var e = Assert.Throws<RfException>(() => ledger.Pool());
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Contains("rfm init", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Put_ThenFindAndList_RoundTripEveryField()
    {
        var ledger = _file.OpenInitialized();
        var web = TestLedger.Record("web", "1-2,13-14", "2G") with
        {
            State = SubOsState.Dead,
            Mems = NodeSet.Of(0, 1),
            RootFs = "/srv/rootfs",
            AgentPid = 1234,
            AgentStart = 987654321,
            MonitorPid = 1233,
            Revision = 7,
        };
        var db = TestLedger.Record("db", "7");

        Put(ledger, web, db);

        Assert.Equal(web, ledger.Find("web"));
        Assert.Equal(db, _file.Open().Find("db"));
        Assert.Null(ledger.Find("nope"));
        Assert.Equal([db, web], ledger.List());
        Assert.Equal([(1L, "web"), (2L, "web"), (7L, "db"), (13L, "web"), (14L, "web")], CpuOwners());
        Assert.Empty(ledger.CheckInvariants());
    }

    [Fact]
    public void Put_ExistingName_ReplacesRecordAndMovesCpus()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1-2"));

        Put(ledger, TestLedger.Record("web", "3") with { Revision = 1 });
        Put(ledger, TestLedger.Record("db", "1-2"));

        Assert.Equal("3", ledger.Find("web")!.Cpus.ToString());
        Assert.Equal(1, ledger.Find("web")!.Revision);
        Assert.Equal([(1L, "db"), (2L, "db"), (3L, "web")], CpuOwners());
        Assert.Empty(ledger.CheckInvariants());
    }

    [Fact]
    public void Put_CpuOwnedByAnother_RefusedByThePrimaryKey()
    {
        // The caller skips the pool: the database itself must refuse a second owner.
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1-2"));

        using (ledger.BeginWrite())
        {
            var e = Assert.Throws<SqliteException>(() => ledger.Put(TestLedger.Record("db", "2-3")));
            Assert.Equal(19, e.SqliteErrorCode); // SQLITE_CONSTRAINT
        }

        Assert.Equal(["web"], ledger.List().Select(s => s.Name));
        Assert.Equal([(1L, "web"), (2L, "web")], CpuOwners());
        Assert.Empty(ledger.CheckInvariants());
    }

    [Fact]
    public void Put_TwoOverlappingInOneTransaction_SecondRefused()
    {
        var ledger = _file.OpenInitialized();

        using (ledger.BeginWrite())
        {
            ledger.Put(TestLedger.Record("web", "1-2"));
            Assert.Throws<SqliteException>(() => ledger.Put(TestLedger.Record("db", "2")));
        }

        Assert.Empty(ledger.List());
        Assert.Empty(CpuOwners());
    }

    [Fact]
    public void BeginWrite_DisposedWithoutCommit_LeavesNothing()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("keep", "3"));

        using (ledger.BeginWrite())
        {
            ledger.Put(TestLedger.Record("web", "1-2"));
            ledger.Remove("keep");
            ledger.Append("create", "web", null, "1-2", TimeSpan.Zero, JournalOutcome.Ok, null);
            Assert.Equal(["web"], ledger.List().Select(s => s.Name));
        }

        Assert.Equal(["keep"], ledger.List().Select(s => s.Name));
        Assert.Equal(["keep"], _file.Open().List().Select(s => s.Name));
        Assert.Equal([(3L, "keep")], CpuOwners());
        Assert.Empty(ledger.Journal());

        // The connection is usable again after the rollback.
        Put(ledger, TestLedger.Record("web", "1-2"));
        Assert.Equal(["keep", "web"], ledger.List().Select(s => s.Name));
    }

    [Fact]
    public void Dispose_WithOpenTransaction_RollsBack()
    {
        var ledger = ResourceLedger.Open(_file.Path);
        using (ledger.BeginWrite())
        {
            ledger.SetMachine(TestLedger.Machine());
            ledger.Commit();
        }

        _ = ledger.BeginWrite();
        ledger.Put(TestLedger.Record("web", "1-2"));
        ledger.Dispose();

        Assert.Empty(_file.Open().List());
    }

    [Fact]
    public void BeginWrite_Twice_Throws()
    {
        var ledger = _file.Open();
        using var tx = ledger.BeginWrite();

        Assert.Throws<InvalidOperationException>(() => ledger.BeginWrite());
    }

    [Fact]
    public void ChangesOutsideATransaction_Throw()
    {
        var ledger = _file.OpenInitialized();

        Assert.Throws<InvalidOperationException>(() => ledger.Put(TestLedger.Record("web", "1")));
        Assert.Throws<InvalidOperationException>(() => ledger.Remove("web"));
        Assert.Throws<InvalidOperationException>(() => ledger.Commit());
        Assert.Empty(ledger.List());
    }

    [Fact]
    public void Remove_FreesTheCpusForAnother()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1-2"));

        using (ledger.BeginWrite())
        {
            ledger.Remove("web");
            ledger.Remove("never-was");
            ledger.Put(TestLedger.Record("db", "1-2"));
            ledger.Commit();
        }

        Assert.Equal(["db"], ledger.List().Select(s => s.Name));
        Assert.Equal([(1L, "db"), (2L, "db")], CpuOwners());
        Assert.Empty(ledger.CheckInvariants());
    }

    [Fact]
    public void Pool_ReflectsCommittedOwners()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1-2,13-14", "4G"));

        var pool = ledger.Pool();

        Assert.Equal("3-5,7-11,15-17,19-23", pool.FreeCpus.ToString());
        Assert.Equal(ByteSize.Parse("27G"), pool.FreeMemory);
        Assert.Equal(TestLedger.SAReserve, pool.ReserveCpus);
    }

    [Fact]
    public void Append_FieldsRoundTripOldestFirst()
    {
        var ledger = _file.Open();
        var before = DateTimeOffset.UtcNow;

        var first = ledger.Append("create", "web", null, "cpus 1-2", TimeSpan.FromMilliseconds(12.5), JournalOutcome.Ok, null);
        var second = ledger.Append("resize", "web", "cpus 1-2", "cpus 1-3", TimeSpan.Zero, JournalOutcome.Rejected, "--cpus 9: only 8 free");

        var journal = _file.Open().Journal();
        Assert.Equal(2, journal.Count);
        Assert.True(second.Id > first.Id);
        Assert.Equal(first.Id, journal[0].Id);
        Assert.Equal(("create", "web", (string?)null, "cpus 1-2", 12.5, JournalOutcome.Ok, (string?)null), (journal[0].Operation, journal[0].Target, journal[0].Before, journal[0].After, journal[0].DurationMs, journal[0].Outcome, journal[0].Message));
        Assert.Equal(second, journal[1]);
        Assert.InRange(journal[0].Time, before.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void PruneJournal_AgeAndCount_EitherRemovesAndTheFileShrinksOnCompact()
    {
        var ledger = _file.Open();

        // Append dates an entry its duration before now: 200 entries from 40 days ago, with a long message each, then 3 new.
        for (var i = 0; i < 200; i++)
        {
            ledger.Append("resize", "web", "cpus 1", "cpus 2", TimeSpan.FromDays(40), JournalOutcome.Ok, new string('x', 2000));
        }

        var kept = Enumerable.Range(0, 3).Select(i => ledger.Append("create", $"s{i}", null, null, TimeSpan.Zero, JournalOutcome.Ok, null)).ToList();
        var bytes = ledger.FileBytes;

        using (ledger.BeginWrite())
        {
            Assert.Equal((200, 3, kept[0].Time), ledger.PruneJournal(DateTimeOffset.UtcNow.AddDays(-30), keepNewest: 10));
            ledger.Commit();
        }

        ledger.Compact();
        Assert.Equal(kept, ledger.Journal());
        Assert.True(ledger.FileBytes < bytes / 4, $"{ledger.FileBytes} bytes after, {bytes} before");

        using (ledger.BeginWrite())
        {
            Assert.Equal((2, 1, kept[2].Time), ledger.PruneJournal(before: null, keepNewest: 1));
            ledger.Commit();
        }

        // Ids are never reused: a follower resuming after an old id misses nothing new.
        Assert.True(ledger.Append("destroy", "s2", null, null, TimeSpan.Zero, JournalOutcome.Ok, null).Id > kept[2].Id);
    }

    [Fact]
    public void PruneJournal_OutsideATransaction_Refused()
    {
        var ledger = _file.Open();

        Assert.Throws<InvalidOperationException>(() => ledger.PruneJournal(null, keepNewest: 1));
    }

    [Fact]
    public void Journal_LastAndTarget_Filter()
    {
        var ledger = _file.Open();
        var targets = new[] { "web", "db", "web", "machine", "web", "db" };
        foreach (var (target, i) in targets.Select((t, i) => (t, i)))
        {
            ledger.Append("op" + i, target, null, null, TimeSpan.Zero, JournalOutcome.Ok, null);
        }

        Assert.Equal(["op0", "op1", "op2", "op3", "op4", "op5"], ledger.Journal().Select(j => j.Operation));
        Assert.Equal(["op4", "op5"], ledger.Journal(last: 2).Select(j => j.Operation));
        Assert.Equal(["op0", "op2", "op4"], ledger.Journal(target: "web").Select(j => j.Operation));
        Assert.Equal(["op2", "op4"], ledger.Journal(last: 2, target: "web").Select(j => j.Operation));
        Assert.Equal(["op1", "op5"], ledger.Journal(last: 10, target: "db").Select(j => j.Operation));
        Assert.Empty(ledger.Journal(last: 0));
        Assert.Empty(ledger.Journal(target: "nobody"));
    }

    [Fact]
    public void SaveHostSetting_SecondSaveOfAKey_KeepsTheOriginal()
    {
        // A second --confine-host must not overwrite the host's original value with its own.
        var ledger = _file.Open();
        using (ledger.BeginWrite())
        {
            ledger.SaveHostSetting("irq", "24", "0-23");
            ledger.SaveHostSetting("irq", "24", "0");
            ledger.SaveHostSetting("irq", "9", "0-3");
            ledger.SaveHostSetting("workqueue", "cpumask", "ffffff");
            ledger.Commit();
        }

        Assert.Equal([("irq", "24", "0-23"), ("irq", "9", "0-3"), ("workqueue", "cpumask", "ffffff")], ledger.SavedHostSettings());

        using (ledger.BeginWrite())
        {
            ledger.ClearHostSettings();
            ledger.Commit();
        }

        Assert.Empty(ledger.SavedHostSettings());
    }

    [Fact]
    public void CheckInvariants_ReservedCpuOwned_Reported()
    {
        var ledger = _file.OpenInitialized();

        Put(ledger, TestLedger.Record("web", "5-6"));

        Assert.Equal(["CPU 6 is owned but reserved for the supervisor"], ledger.CheckInvariants());
    }

    [Fact]
    public void CheckInvariants_OfflineOrMissingCpuOwned_Reported()
    {
        var ledger = _file.OpenInitialized();

        Put(ledger, TestLedger.Record("web", "23-24"));

        Assert.Equal(["CPU 24 is owned but not online"], ledger.CheckInvariants());
    }

    [Fact]
    public void CheckInvariants_TooMuchMemory_Reported()
    {
        var ledger = _file.OpenInitialized();

        Put(ledger, TestLedger.Record("web", "1", "16G"), TestLedger.Record("db", "2", "16G"));

        Assert.Equal(["subOSes own 32G but only 31G may be handed out"], ledger.CheckInvariants());
    }

    [Fact]
    public void CheckInvariants_RowsThatDisagree_Reported()
    {
        var ledger = _file.OpenInitialized();
        Put(ledger, TestLedger.Record("web", "1-2"), TestLedger.Record("db", "3"));

        // What a buggy writer could leave: an ownership row missing, another pointing at the wrong subOS,
        // and two subOSes naming one CPU.
        Sql("DELETE FROM cpu_owner WHERE cpu = 1; UPDATE cpu_owner SET owner = 'db' WHERE cpu = 2; UPDATE subos SET cpus = '3,5' WHERE name = 'web';");

        var problems = ledger.CheckInvariants();

        Assert.Contains("CPU 3 is in both 'db' and 'web'", problems);
        Assert.Contains("CPU 5 of 'web' is not recorded as its own", problems);
        Assert.Contains("cpu_owner says CPU 2 is 'db''s but its row disagrees", problems);
    }

    public void Dispose() => _file.Dispose();
}
