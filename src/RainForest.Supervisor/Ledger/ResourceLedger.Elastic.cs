using System.Globalization;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Supervisor.Ledger;

/// <summary>The elastic controller's rows: policies, loans, and each subOS's parking and CPU quota.</summary>
public sealed partial class ResourceLedger
{
    private void CreateElasticSchema()
    {
        // Added beside the original tables (CREATE IF NOT EXISTS): ledgers from before simply gain them.
        // A subOS's policy, loans and elastic state go with it (ON DELETE CASCADE).
        Execute("""
            CREATE TABLE IF NOT EXISTS policy (
                taker TEXT PRIMARY KEY REFERENCES subos(name) ON DELETE CASCADE,
                donor TEXT NOT NULL REFERENCES subos(name) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                slo TEXT NOT NULL,
                probe TEXT NOT NULL,
                window_us INTEGER NOT NULL,
                lt_us INTEGER NOT NULL,
                ut_us INTEGER NOT NULL,
                min_cpus INTEGER NOT NULL,
                max_cpus INTEGER,
                donor_floor INTEGER NOT NULL,
                rate INTEGER NOT NULL,
                memory_step INTEGER NOT NULL,
                donor_memory_floor INTEGER NOT NULL,
                updated TEXT NOT NULL,
                idle_share INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS loan (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                donor TEXT NOT NULL REFERENCES subos(name) ON DELETE CASCADE,
                taker TEXT NOT NULL REFERENCES subos(name) ON DELETE CASCADE,
                cpus TEXT NOT NULL,
                reason TEXT NOT NULL,
                created TEXT NOT NULL,
                expires TEXT);
            CREATE TABLE IF NOT EXISTS subos_elastic (
                name TEXT PRIMARY KEY REFERENCES subos(name) ON DELETE CASCADE,
                parked_cpus TEXT,
                cpu_quota REAL,
                idle_on TEXT REFERENCES subos(name) ON DELETE SET NULL);
            """);

        // Ledgers from before idle sharing gain the columns in place (a lender's destroy clears idle_on).
        if (!HasColumn("subos_elastic", "idle_on"))
        {
            Execute("ALTER TABLE subos_elastic ADD COLUMN idle_on TEXT REFERENCES subos(name) ON DELETE SET NULL");
        }

        if (!HasColumn("policy", "idle_share"))
        {
            Execute("ALTER TABLE policy ADD COLUMN idle_share INTEGER NOT NULL DEFAULT 0");
        }
    }

    private bool HasColumn(string table, string column)
    {
        using var cmd = Command($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $c", ("$c", column));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>A counter that changes whenever a policy is set or removed, so a running service re-reads them only then.</summary>
    public long PolicyVersion()
    {
        using var cmd = Command("SELECT value FROM meta WHERE key = 'policy_version'");
        return cmd.ExecuteScalar() is string text ? long.Parse(text, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Every policy, by taker.</summary>
    public IReadOnlyList<ElasticPolicySpec> Policies()
    {
        using var cmd = Command("""
            SELECT taker, donor, kind, slo, probe, window_us, lt_us, ut_us, min_cpus, max_cpus, donor_floor, rate, memory_step, donor_memory_floor, idle_share
            FROM policy ORDER BY taker
            """);
        using var reader = cmd.ExecuteReader();
        var result = new List<ElasticPolicySpec>();
        while (reader.Read())
        {
            var kind = EnumText.Parse<PolicyKind>(reader.GetString(2));
            result.Add(ElasticPolicySpec.Create(
                reader.GetString(0), reader.GetString(1), LatencySlo.Parse(reader.GetString(3)), ProbeSpec.Parse(reader.GetString(4)), kind,
                TimeSpan.FromMicroseconds(reader.GetInt64(5)),
                kind == PolicyKind.Threshold ? TimeSpan.FromMicroseconds(reader.GetInt64(6)) : null,
                kind == PolicyKind.Threshold ? TimeSpan.FromMicroseconds(reader.GetInt64(7)) : null,
                reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11),
                new ByteSize(reader.GetInt64(12)), new ByteSize(reader.GetInt64(13))) with { IdleShare = reader.GetInt64(14) != 0 });
        }

        return result;
    }

    /// <summary>Stores or replaces the policy of <see cref="ElasticPolicySpec.Taker"/> (inside a write transaction).</summary>
    public void PutPolicy(ElasticPolicySpec spec)
    {
        RequireTransaction();
        Execute("""
            INSERT INTO policy (taker, donor, kind, slo, probe, window_us, lt_us, ut_us, min_cpus, max_cpus, donor_floor, rate, memory_step, donor_memory_floor, updated, idle_share)
            VALUES ($taker, $donor, $kind, $slo, $probe, $window, $lt, $ut, $min, $max, $floor, $rate, $step, $memfloor, $updated, $idle)
            ON CONFLICT(taker) DO UPDATE SET donor = excluded.donor, kind = excluded.kind, slo = excluded.slo, probe = excluded.probe,
                window_us = excluded.window_us, lt_us = excluded.lt_us, ut_us = excluded.ut_us, min_cpus = excluded.min_cpus,
                max_cpus = excluded.max_cpus, donor_floor = excluded.donor_floor, rate = excluded.rate, memory_step = excluded.memory_step,
                donor_memory_floor = excluded.donor_memory_floor, updated = excluded.updated, idle_share = excluded.idle_share
            """,
            ("$taker", spec.Taker), ("$donor", spec.Donor), ("$kind", spec.Kind.ToText()), ("$slo", spec.Slo.ToString()), ("$probe", spec.Probe.ToString()),
            ("$window", (long)spec.Window.TotalMicroseconds), ("$lt", (long)spec.Lower.TotalMicroseconds), ("$ut", (long)spec.Upper.TotalMicroseconds),
            ("$min", spec.MinCpus), ("$max", spec.MaxCpus), ("$floor", spec.DonorFloor), ("$rate", spec.ProbeRate), ("$step", spec.MemoryStep.Bytes),
            ("$memfloor", spec.DonorMemoryFloor.Bytes), ("$updated", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)), ("$idle", spec.IdleShare ? 1 : 0));
        BumpPolicyVersion();
    }

    /// <summary>Removes the policy of <paramref name="taker"/>; false when it had none (inside a write transaction).</summary>
    public bool RemovePolicy(string taker)
    {
        RequireTransaction();
        using var cmd = Command("DELETE FROM policy WHERE taker = $t", ("$t", taker));
        var removed = cmd.ExecuteNonQuery() > 0;
        BumpPolicyVersion();
        return removed;
    }

    /// <summary>Outstanding loans, oldest first; <paramref name="taker"/> limits them to one borrower's.</summary>
    public IReadOnlyList<LoanRecord> Loans(string? taker = null)
    {
        using var cmd = Command("SELECT id, donor, taker, cpus, reason, created, expires FROM loan WHERE ($t IS NULL OR taker = $t) ORDER BY id", ("$t", taker));
        using var reader = cmd.ExecuteReader();
        var result = new List<LoanRecord>();
        while (reader.Read())
        {
            result.Add(new LoanRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), CpuSet.Parse(reader.GetString(3)), reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>Records a loan (inside a write transaction) and returns its number.</summary>
    public long AddLoan(string donor, string taker, CpuSet cpus, string reason, DateTimeOffset created, DateTimeOffset? expires)
    {
        RequireTransaction();
        Execute("INSERT INTO loan (donor, taker, cpus, reason, created, expires) VALUES ($d, $t, $c, $r, $at, $exp)",
            ("$d", donor), ("$t", taker), ("$c", cpus.ToString()), ("$r", reason), ("$at", created.ToString("O", CultureInfo.InvariantCulture)),
            ("$exp", expires?.ToString("O", CultureInfo.InvariantCulture)));
        using var cmd = Command("SELECT last_insert_rowid()");
        return (long)(cmd.ExecuteScalar() ?? 0L);
    }

    /// <summary>Shrinks a loan to <paramref name="cpus"/>, or ends it when none is left (inside a write transaction).</summary>
    public void SetLoanCpus(long id, CpuSet cpus)
    {
        RequireTransaction();
        if (cpus.IsEmpty)
        {
            Execute("DELETE FROM loan WHERE id = $id", ("$id", id));
        }
        else
        {
            Execute("UPDATE loan SET cpus = $c WHERE id = $id", ("$c", cpus.ToString()), ("$id", id));
        }
    }

    /// <summary>The elastic state of one subOS (<see cref="ElasticState.None"/> when nothing was changed).</summary>
    public ElasticState ElasticStateOf(string name)
    {
        using var cmd = Command("SELECT parked_cpus, cpu_quota, idle_on FROM subos_elastic WHERE name = $n", ("$n", name));
        using var reader = cmd.ExecuteReader();
        return reader.Read()
            ? new ElasticState(reader.IsDBNull(0) ? null : CpuSet.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : ElasticState.None;
    }

    /// <summary>The subOSes that run in <paramref name="lender"/>'s idle time, by name.</summary>
    public IReadOnlyList<string> IdleBorrowersOf(string lender)
    {
        using var cmd = Command("SELECT name FROM subos_elastic WHERE idle_on = $n ORDER BY name", ("$n", lender));
        using var reader = cmd.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    /// <summary>
    /// The CPUs <paramref name="record"/>'s kernel cpuset names: its own, and the CPUs of the subOS whose idle time it
    /// runs in. Empty for a parked subOS, whose frozen cpuset names what <see cref="ElasticState.ParkedCpus"/> says.
    /// </summary>
    public CpuSet KernelCpusOf(SubOsRecord record) => KernelCpusOf(record, ElasticStateOf(record.Name));

    /// <summary>The CPUs <paramref name="record"/>'s kernel cpuset names, given its elastic <paramref name="state"/> (read once by the caller).</summary>
    public CpuSet KernelCpusOf(SubOsRecord record, ElasticState state) =>
        state.IdleOn is { } lender && !state.Parked && Find(lender) is { } l ? record.Cpus.Union(l.Cpus) : record.Cpus;

    /// <summary>Records a subOS's elastic state (inside a write transaction).</summary>
    public void PutElasticState(string name, ElasticState state)
    {
        RequireTransaction();
        if (state == ElasticState.None)
        {
            Execute("DELETE FROM subos_elastic WHERE name = $n", ("$n", name));
            return;
        }

        Execute("""
            INSERT INTO subos_elastic (name, parked_cpus, cpu_quota, idle_on) VALUES ($n, $p, $q, $i)
            ON CONFLICT(name) DO UPDATE SET parked_cpus = excluded.parked_cpus, cpu_quota = excluded.cpu_quota, idle_on = excluded.idle_on
            """, ("$n", name), ("$p", state.ParkedCpus?.ToString()), ("$q", state.CpuQuota), ("$i", state.IdleOn));
    }

    private void BumpPolicyVersion() =>
        Execute("INSERT INTO meta (key, value) VALUES ('policy_version', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)");
}
