using System.Text.Json;
using RainForest.Supervisor;
using RainForest.Supervisor.Ledger;

namespace RainForest.Cli.Tests;

/// <summary>
/// <c>rfm log --vacuum-time/--vacuum-entries</c>: old entries go, the removal is itself journalled, and bad input changes
/// nothing. The journal is one a <c>deinit</c> kept (a ledger without a machine), so no cgroup is ever touched.
/// </summary>
public sealed class LogVacuumTests : IDisposable
{
    private readonly TempDir _scratch = new();

    public LogVacuumTests()
    {
        State = Path.Combine(_scratch.Path, "state");
        Directory.CreateDirectory(State);
        using var ledger = ResourceLedger.Open(new StateDirectory(State).LedgerPath);

        // Append dates an entry its duration before now: three from 40 days ago, then two from now.
        foreach (var (op, age) in new[] { ("create", 40), ("resize", 40), ("destroy", 40), ("create", 0), ("resize", 0) })
        {
            ledger.Append(op, "web", null, null, TimeSpan.FromDays(age), JournalOutcome.Ok, null);
        }
    }

    private string State { get; }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void VacuumTime_OldEntries_RemovedAndTheRemovalJournalled()
    {
        var stdout = RfmRun.Ok(State, "log", "--vacuum-time", "30d");

        Assert.StartsWith("removed 3 entries (older than ", stdout, StringComparison.Ordinal);
        Assert.Contains("; 2 left, the oldest from ", stdout, StringComparison.Ordinal);
        Assert.Contains("ledger ", stdout, StringComparison.Ordinal);
        var journal = Journal();
        Assert.Equal(["create", "resize", "journal-vacuum"], journal.Select(e => e.GetProperty("operation").GetString()));
        var vacuum = journal[^1];
        Assert.Equal("5 entries", vacuum.GetProperty("before").GetString());
        Assert.Equal("2 entries", vacuum.GetProperty("after").GetString());
        Assert.StartsWith("removed the entries older than ", vacuum.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VacuumEntries_KeepsTheNewestAndIdsGoOn()
    {
        var before = Journal().Select(e => e.GetProperty("id").GetInt64()).ToList();

        var json = JsonDocument.Parse(RfmRun.Ok(State, "log", "--vacuum-entries", "1", "--json")).RootElement;

        Assert.Equal(4, json.GetProperty("removed").GetInt32());
        Assert.Equal(1, json.GetProperty("left").GetInt32());
        var ids = Journal().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal([before[^1], before[^1] + 1], ids);
    }

    [Fact]
    public void VacuumBoth_EitherRuleRemoves()
    {
        RfmRun.Ok(State, "log", "--vacuum-time", "30d", "--vacuum-entries", "4");

        // Age removes the three old ones; the count alone would have removed one.
        Assert.Equal(["create", "resize", "journal-vacuum"], Journal().Select(e => e.GetProperty("operation").GetString()));
    }

    [Theory]
    [InlineData("--vacuum-time 0s: expected a positive duration", "--vacuum-time", "0s")]
    [InlineData("--vacuum-time -1d: expected a duration such as 10s, 500ms, 250us, 2m or 30d", "--vacuum-time", "-1d")]
    [InlineData("--vacuum-time 30: expected a duration such as 10s, 500ms, 250us, 2m or 30d", "--vacuum-time", "30")]
    [InlineData("--vacuum-entries", "--vacuum-entries", "0")]
    [InlineData("--vacuum-entries", "--vacuum-entries", "all")]
    [InlineData("drop --last and --subos", "--vacuum-entries", "1", "--last", "2")]
    [InlineData("drop --last and --subos", "--vacuum-time", "1d", "--subos", "web")]
    public void Vacuum_BadInput_ExitTwoOneLineNothingRemoved(string message, params string[] args)
    {
        var before = RfmRun.Ok(State, "log", "--json");

        var (code, stdout, stderr) = RfmRun.Run(State, ["log", .. args]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Equal(before, RfmRun.Ok(State, "log", "--json"));
    }

    private List<JsonElement> Journal() => [.. JsonDocument.Parse(RfmRun.Ok(State, "log", "--json")).RootElement.EnumerateArray()];
}
