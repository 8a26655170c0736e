using Microsoft.Data.Sqlite;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// Two ledgers on one file, like two rfm processes, race for the same CPUs. BeginWrite serialises them,
/// so the second re-reads the pool after the first committed and is refused.
/// </summary>
public sealed class LedgerRaceTests : IDisposable
{
    private const int Rounds = 8;
    private readonly TestLedger _file = new();

    /// <summary>Runs <paramref name="body"/> on two threads released together and returns what each threw.</summary>
    private static Exception?[] Race(Action<int> body)
    {
        using var start = new Barrier(2);
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a racer hung"));
        return errors;
    }

    [Fact]
    public void Create_SameCpusFromTwoProcesses_ExactlyOneWins()
    {
        var ledgers = new[] { _file.OpenInitialized(), _file.Open() };
        for (var round = 0; round < Rounds; round++)
        {
            var cpus = CpuRequest.Parse($"{1 + (round % 4)}-{2 + (round % 4)}", allowRelative: false);
            var names = new[] { $"a{round}", $"b{round}" };

            // What RainForestSupervisor.Create does: decide on the pool read inside the transaction, record, work, commit.
            var errors = Race(i =>
            {
                var ledger = ledgers[i];
                using (ledger.BeginWrite())
                {
                    var pool = ledger.Pool();
                    var chosen = pool.AllocateNew(cpus);
                    pool.CheckMemory(ByteSize.Parse("1G"), ByteSize.Zero);
                    ledger.Put(TestLedger.Record(names[i], chosen.ToString()) with { Mems = pool.NodesOf(chosen) });

                    // The kernel work of a create: the other racer must wait for it, not slip in.
                    Thread.Sleep(20);
                    ledger.Commit();
                }
            });

            var winners = Enumerable.Range(0, 2).Where(i => errors[i] is null).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} winners; {string.Join(" | ", errors.Select(e => e?.ToString() ?? "won"))}");
            var loser = Assert.IsType<RfException>(errors[1 - winners[0]]);
            Assert.Equal(RfException.InvalidInputExitCode, loser.ExitCode);
            Assert.Contains($"is owned by subOS '{names[winners[0]]}'", loser.Message, StringComparison.Ordinal);

            var subs = ledgers[1 - winners[0]].List();
            Assert.Equal([names[winners[0]]], subs.Select(s => s.Name));
            Assert.Equal(cpus.List, subs[0].Cpus);
            Assert.Empty(ledgers[0].CheckInvariants());

            using (ledgers[0].BeginWrite())
            {
                ledgers[0].Remove(names[winners[0]]);
                ledgers[0].Commit();
            }
        }
    }

    [Fact]
    public void Put_SameCpuFromTwoProcessesSkippingThePool_DatabaseRefusesOne()
    {
        var ledgers = new[] { _file.OpenInitialized(), _file.Open() };
        for (var round = 0; round < Rounds; round++)
        {
            var names = new[] { $"a{round}", $"b{round}" };

            var errors = Race(i =>
            {
                var ledger = ledgers[i];
                using (ledger.BeginWrite())
                {
                    ledger.Put(TestLedger.Record(names[i], "3"));
                    Thread.Sleep(20);
                    ledger.Commit();
                }
            });

            var winners = Enumerable.Range(0, 2).Where(i => errors[i] is null).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} winners; {string.Join(" | ", errors.Select(e => e?.ToString() ?? "won"))}");
            Assert.Equal(19, Assert.IsType<SqliteException>(errors[1 - winners[0]]).SqliteErrorCode);
            Assert.Equal([names[winners[0]]], ledgers[0].List().Select(s => s.Name));
            Assert.Empty(ledgers[1].CheckInvariants());

            using (ledgers[1].BeginWrite())
            {
                ledgers[1].Remove(names[winners[0]]);
                ledgers[1].Commit();
            }
        }
    }

    [Fact]
    public void Create_CountsFromTwoProcesses_BothGetDisjointCpus()
    {
        var ledgers = new[] { _file.OpenInitialized(), _file.Open() };

        var errors = Race(i =>
        {
            var ledger = ledgers[i];
            using (ledger.BeginWrite())
            {
                var pool = ledger.Pool();
                var chosen = pool.AllocateNew(CpuRequest.Parse("4", allowRelative: false));
                ledger.Put(TestLedger.Record("s" + i, chosen.ToString()));
                Thread.Sleep(20);
                ledger.Commit();
            }
        });

        Assert.All(errors, Assert.Null);
        var subs = ledgers[0].List();
        Assert.Equal(2, subs.Count);
        Assert.False(subs[0].Cpus.Overlaps(subs[1].Cpus));
        Assert.Empty(ledgers[0].CheckInvariants());
    }

    public void Dispose() => _file.Dispose();
}
