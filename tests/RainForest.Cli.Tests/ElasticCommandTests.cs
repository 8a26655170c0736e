using System.Text.Json;

namespace RainForest.Cli.Tests;

/// <summary><c>rfm policy</c>, <c>rfm lend</c> and <c>rfm reclaim</c>: bad input refused before anything changes, and a round trip on the kernel.</summary>
[Collection("kernel")]
public sealed class ElasticCommandTests
{
    public static TheoryData<string[], string> BadPolicies => new()
    {
        { ["policy", "set", "web", "--slo", "p99<5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "slack"], "--slo p99<5ms:" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "ftp://web.rf:1", "--donor", "batch", "--policy", "slack"], "--probe ftp://web.rf:1:" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "greedy"], "--policy greedy: expected threshold or slack" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "web", "--policy", "slack"], "--donor web: a subOS cannot lend to itself" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "slack", "--window", "2s"], "--window 2s: the slack policy's window is at most 1s" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "slack", "--ut", "4ms"], "--lt/--ut: only the threshold policy takes thresholds" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold", "--lt", "5ms", "--ut", "4ms"], "--lt 5ms --ut 4ms: expected 0 < lt < ut" },
        { ["policy", "set", "web", "--slo", "p99<=1us", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold"], "--lt 0.8us: expected at least 1us" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold", "--min-cpus", "0"], "--min-cpus 0: not a count" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold", "--window", "ten"], "--window ten: expected a duration" },
        { ["policy", "set", "Web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold"], "name 'Web' is invalid" },
        { ["lend", "batch", "web", "--cpus", "0"], "--cpus 0: not a count" },
        { ["lend", "batch", "web", "--cpus", "1", "--for", "-5s"], "--for -5s: expected a duration" },
        { ["lend", "batch", "web"], "rfm lend needs --cpus N (or --idle)" },
        { ["lend", "batch", "web", "--idle", "--cpus", "1"], "--idle lends idle time on all of the donor's CPUs" },
        { ["lend", "batch", "web", "--idle"], "no subOS named 'batch'" },
        { ["reclaim", "--all", "--idle"], "rfm reclaim --idle needs a TAKER, without --all or --cpus" },
        { ["reclaim", "web", "--idle"], "no subOS named 'web'" },
        { ["reclaim"], "rfm reclaim needs a TAKER or --all (not both)" },
        { ["reclaim", "web", "--all"], "rfm reclaim needs a TAKER or --all (not both)" },
        { ["policy", "rm", "web"], "'web' has no policy" },
        { ["policy", "show", "web"], "'web' has no policy" },
        { ["lend", "batch", "web", "--cpus", "1"], "no subOS named 'batch'" },
        { ["policy", "set", "web", "--slo", "p99<=5ms", "--probe", "tcp://web.rf:1", "--donor", "batch", "--policy", "threshold"], "no subOS named 'web'" },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public void BadInput_OneLineExitTwo_NothingChanged(string[] args, string expected)
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        RfmRun.Ok(state, "init", "--reserve-cpus", "", "--reserve-memory", "512M");
        try
        {
            var journal = RfmRun.Ok(state, "log", "--json");
            var (code, stdout, stderr) = RfmRun.Run(state, args);

            Assert.Equal(2, code);
            Assert.Equal(string.Empty, stdout);
            Assert.StartsWith("rfm: " + expected, stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.Equal("[]", RfmRun.Ok(state, "policy", "ls", "--json").Trim());

            // A refusal from the ledger side is journalled as rejected; nothing else was written.
            using var before = JsonDocument.Parse(journal);
            using var after = JsonDocument.Parse(RfmRun.Ok(state, "log", "--json"));
            Assert.All(after.RootElement.EnumerateArray().Skip(before.RootElement.GetArrayLength()), e => Assert.Equal("rejected", e.GetProperty("outcome").GetString()));
        }
        finally
        {
            RfmRun.Run(state, "deinit", "--force");
        }
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void PolicyLendReclaim_RoundTrip_LsShowsParked()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RF_AGENT")))
        {
            Assert.Fail("set RF_AGENT to the rf-agent binary (./rfm builds it in .build/bin)");
        }

        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        RfmRun.Ok(state, "init", "--reserve-cpus", "", "--reserve-memory", "512M");
        try
        {
            RfmRun.Ok(state, "create", "web", "--cpus", "1", "--memory", "128M");
            RfmRun.Ok(state, "create", "batch", "--cpus", "1", "--memory", "128M");

            var (code, stdout, stderr) = RfmRun.Run(state, "policy", "set", "web", "--slo", "p99<=5ms", "--probe", "memcached://web.rf:11211", "--donor", "batch", "--policy", "threshold", "--ut", "4ms");
            Assert.Equal(0, code);
            Assert.Equal("policy web: threshold p99<=5ms, donor batch, probe memcached://web.rf:11211/rf-probe at 200/s, window 10s, (lt, ut) = (3.2ms, 4ms)\n", stdout);
            Assert.Equal($"rfm: note: no 'rfm serve' runs ({state}/rfm.sock): policies are stored, and nothing enforces them until one starts\n", stderr);

            using (var json = JsonDocument.Parse(RfmRun.Ok(state, "policy", "show", "web", "--json")))
            {
                Assert.Equal("threshold", json.RootElement.GetProperty("policy").GetString());
                Assert.Equal("3.2ms", json.RootElement.GetProperty("lt").GetString());
                Assert.Equal("batch", json.RootElement.GetProperty("donor").GetString());
            }

            Assert.Contains("memcached://web.rf:11211/rf-probe at 200/s", RfmRun.Ok(state, "policy", "ls"), StringComparison.Ordinal);

            Assert.StartsWith("lent CPUs ", RfmRun.Ok(state, "lend", "batch", "web", "--cpus", "1"), StringComparison.Ordinal);
            var ls = RfmRun.Ok(state, "ls");
            Assert.Matches(@"(?m)^\S*\s*batch\s+\S*\s*parked\s", ls);
            using (var json = JsonDocument.Parse(RfmRun.Ok(state, "show", "batch", "--json")))
            {
                Assert.True(json.RootElement.GetProperty("parked").GetBoolean());
            }

            Assert.StartsWith("returned CPUs ", RfmRun.Ok(state, "reclaim", "web"), StringComparison.Ordinal);
            Assert.DoesNotContain("parked", RfmRun.Ok(state, "ls"), StringComparison.Ordinal);
            using (var log = JsonDocument.Parse(RfmRun.Ok(state, "log", "--json")))
            {
                var ops = log.RootElement.EnumerateArray().Select(e => e.GetProperty("operation").GetString()).ToList();
                Assert.Equal(["policy-set", "borrow", "lend", "return", "reclaim"], ops.Where(o => o is "policy-set" or "borrow" or "lend" or "return" or "reclaim"));
            }

            Assert.Equal("removed the policy of web\n", RfmRun.Ok(state, "policy", "rm", "web"));

            // Idle time by hand, then through a policy that shares it: ls and show say so, and removing the policy ends it.
            Assert.Equal("batch now also runs on web's CPUs, at idle priority (rfm reclaim batch --idle ends it)\n", RfmRun.Ok(state, "lend", "web", "batch", "--idle"));
            Assert.Matches(@"(?m)^\S*\s*batch\s+\S*\s*running\s+\S*\s*cell\s+\S*\s*\d+ \+idle of web", RfmRun.Ok(state, "ls"));
            Assert.Equal("batch runs on its own CPUs again\n", RfmRun.Ok(state, "reclaim", "batch", "--idle"));
            RfmRun.Ok(state, "policy", "set", "web", "--slo", "p99<=5ms", "--probe", "memcached://web.rf:11211", "--donor", "batch", "--policy", "slack", "--idle-share");
            using (var json = JsonDocument.Parse(RfmRun.Ok(state, "show", "batch", "--json")))
            {
                Assert.Equal("web", json.RootElement.GetProperty("idleOn").GetString());
            }

            using (var json = JsonDocument.Parse(RfmRun.Ok(state, "policy", "show", "web", "--json")))
            {
                Assert.True(json.RootElement.GetProperty("idleShare").GetBoolean());
            }

            RfmRun.Ok(state, "policy", "rm", "web");
            using (var json = JsonDocument.Parse(RfmRun.Ok(state, "show", "batch", "--json")))
            {
                Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("idleOn").ValueKind);
            }
        }
        finally
        {
            RfmRun.Run(state, "deinit", "--force");
        }
    }
}
