using System.Globalization;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// Random create, resize and destroy sequences on S-A, decided by the pool and written through the ledger
/// the way the supervisor does (BeginWrite, Pool, Put or Remove, Commit; an <see cref="RfException"/> rolls back).
/// After every step the ledger's invariants hold and the pool agrees with a model kept here independently.
/// </summary>
public sealed class LedgerPropertyTests : IDisposable
{
    private const int Steps = 300;
    private static readonly ByteSize[] s_sizes = [.. new[] { "16M", "32M", "256M", "1G", "2G", "3G", "5G", "8G" }.Select(ByteSize.Parse)];

    private readonly TestLedger _file = new();
    private readonly Dictionary<string, (CpuSet Cpus, ByteSize Memory)> _model = new(StringComparer.Ordinal);
    private readonly CpuSet _online = TestLedger.SA.OnlineCpus;
    private readonly CpuSet _reserve = TestLedger.SAReserve;
    private readonly ByteSize _available = new(TestLedger.SA.MemTotalBytes - TestLedger.SAReserveMemory.Bytes);
    private ResourceLedger _ledger = null!;
    private Random _random = null!;
    private int _accepted;
    private int _rejected;
    private int _aborted;
    private int _nextName;

    private CpuSet ModelOwned => _model.Values.Aggregate(CpuSet.Empty, (acc, o) => acc.Union(o.Cpus));

    private CpuSet ModelFree => _online.Except(_reserve).Except(ModelOwned);

    private ByteSize ModelFreeMemory => _available - new ByteSize(_model.Values.Sum(o => o.Memory.Bytes));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(20240501)]
    public void RandomOperations_KeepInvariantsAndAgreeWithModel(int seed)
    {
        _ledger = _file.OpenInitialized();
        _random = new Random(seed);
        for (var step = 0; step < Steps; step++)
        {
            var roll = _random.Next(100);
            var description = _model.Count == 0 || roll < 40 ? Create() : roll < 85 ? Resize() : Destroy();
            var context = $"seed {seed} step {step}: {description}";

            var problems = _ledger.CheckInvariants();
            Assert.True(problems.Count == 0, $"{context}: {string.Join("; ", problems)}");
            var pool = _ledger.Pool();
            Assert.True(ModelFree.Equals(pool.FreeCpus), $"{context}: pool free {pool.FreeCpus}, model {ModelFree}");
            Assert.True(ModelFreeMemory == pool.FreeMemory, $"{context}: pool free memory {pool.FreeMemory}, model {ModelFreeMemory}");
            var records = _ledger.List();
            Assert.True(
                records.Select(r => (r.Name, r.Cpus.ToString(), r.Memory)).SequenceEqual(
                    _model.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value.Cpus.ToString(), m.Value.Memory))),
                $"{context}: ledger and model disagree");
        }

        // The sequences must exercise both outcomes, or the test proves little.
        Assert.True(_accepted > 50, $"seed {seed}: only {_accepted} accepted");
        Assert.True(_rejected > 20, $"seed {seed}: only {_rejected} rejected");
        Assert.True(_aborted > 5, $"seed {seed}: only {_aborted} aborted");
    }

    private ByteSize RandomSize() => s_sizes[_random.Next(s_sizes.Length)];

    private CpuSet RandomList()
    {
        // Any CPU of the machine or just past it, so that reserved, owned and missing CPUs all come up.
        var count = 1 + _random.Next(4);
        return CpuSet.Of(Enumerable.Range(0, count).Select(_ => _random.Next(26)));
    }

    // A bare number is a count: one CPU by number is written as a range of one.
    private static string ListText(CpuSet list) => list.Count == 1 ? $"{list.First}-{list.First}" : list.ToString();

    private bool MemoryFits(ByteSize wanted, ByteSize current) =>
        wanted >= ResourcePool.MinimumMemory && wanted <= ModelFreeMemory + current;

    private string Create()
    {
        var name = "s" + (_nextName++).ToString(CultureInfo.InvariantCulture);
        var memory = RandomSize();
        CpuRequest request;
        bool expected;
        if (_random.Next(2) == 0)
        {
            var count = 1 + _random.Next(8);
            request = CpuRequest.Parse(count.ToString(CultureInfo.InvariantCulture), allowRelative: false);
            expected = count <= ModelFree.Count;
        }
        else
        {
            var list = RandomList();
            request = CpuRequest.Parse(ListText(list), allowRelative: false);
            expected = list.IsSubsetOf(ModelFree);
        }

        expected &= MemoryFits(memory, ByteSize.Zero);
        var freeBefore = ModelFree;
        var abort = _random.Next(10) == 0;
        var description = $"create {name} --cpus {request} --memory {memory}{(abort ? " (aborted)" : string.Empty)}";
        CpuSet? cpus = null;
        Run(expected, abort, description, pool =>
        {
            cpus = pool.AllocateNew(request);
            pool.CheckMemory(memory, ByteSize.Zero);
            _ledger.Put(new SubOsRecord
            {
                Name = name,
                State = SubOsState.Running,
                Cpus = cpus,
                Mems = pool.NodesOf(cpus),
                Memory = memory,
                RootFs = "/",
                Created = DateTimeOffset.UnixEpoch,
            });
        });

        if (cpus is not null)
        {
            CheckChoice(request, cpus, freeBefore, description);
            if (expected && !abort)
            {
                _model[name] = (cpus, memory);
            }
        }

        return description;
    }

    private string Resize()
    {
        var name = _model.Keys.Order(StringComparer.Ordinal).ElementAt(_random.Next(_model.Count));
        var (current, currentMemory) = _model[name];
        CpuRequest? request = null;
        var expected = true;
        switch (_random.Next(4))
        {
            case 0:
                var add = 1 + _random.Next(4);
                request = CpuRequest.Parse("+" + add.ToString(CultureInfo.InvariantCulture), allowRelative: true);
                expected = add <= ModelFree.Count;
                break;
            case 1:
                var remove = 1 + _random.Next(3);
                request = CpuRequest.Parse("-" + remove.ToString(CultureInfo.InvariantCulture), allowRelative: true);
                expected = remove < current.Count;
                break;
            case 2:
                var list = _random.Next(2) == 0 ? RandomList() : current.Union(RandomList());
                request = CpuRequest.Parse(ListText(list), allowRelative: true);
                expected = list.IsSubsetOf(ModelFree.Union(current));
                break;
        }

        var memory = request is null || _random.Next(3) == 0 ? RandomSize() : currentMemory;
        expected &= MemoryFits(memory, currentMemory);
        var freeBefore = ModelFree;
        var abort = _random.Next(10) == 0;
        var description = $"resize {name} (has {current}, {currentMemory}) --cpus {request?.ToString() ?? "-"} --memory {memory}{(abort ? " (aborted)" : string.Empty)}";
        CpuSet? cpus = null;
        Run(expected, abort, description, pool =>
        {
            cpus = request is null ? current : pool.Resize(name, request);
            pool.CheckMemory(memory, currentMemory);
            var record = _ledger.Find(name)!;
            _ledger.Put(record with { Cpus = cpus, Mems = pool.NodesOf(cpus), Memory = memory, Revision = record.Revision + 1 });
        });

        if (cpus is not null)
        {
            Assert.True(cpus.Except(current).IsSubsetOf(freeBefore), $"{description}: took {cpus}, not free");
            if (request?.Kind == CpuRequest.RequestKind.Add)
            {
                Assert.True(current.IsSubsetOf(cpus) && cpus.Count == current.Count + request.Count, $"{description}: got {cpus}");
                var homes = current.Select(NodeOf).Distinct().ToList();
                var homeFree = freeBefore.Count(c => homes.Contains(NodeOf(c)));
                if (homeFree >= request.Count)
                {
                    Assert.True(cpus.Except(current).All(c => homes.Contains(NodeOf(c))), $"{description}: left the home node: {cpus}");
                }
            }
            else if (request?.Kind == CpuRequest.RequestKind.Remove)
            {
                Assert.True(cpus.IsSubsetOf(current) && cpus.Count == current.Count - request.Count, $"{description}: got {cpus}");
            }

            if (expected && !abort)
            {
                _model[name] = (cpus, memory);
            }
        }

        return description;
    }

    private string Destroy()
    {
        var name = _model.Keys.Order(StringComparer.Ordinal).ElementAt(_random.Next(_model.Count));
        var abort = _random.Next(10) == 0;
        Run(true, abort, "destroy " + name, _ => _ledger.Remove(name));
        if (!abort)
        {
            _model.Remove(name);
        }

        return $"destroy {name}{(abort ? " (aborted)" : string.Empty)}";
    }

    /// <summary>
    /// One supervisor operation: decide and write inside the write transaction, then commit, or roll back
    /// on a refusal or when <paramref name="abort"/> simulates a kernel step failing after the ledger write.
    /// </summary>
    private void Run(bool expected, bool abort, string description, Action<ResourcePool> change)
    {
        using (_ledger.BeginWrite())
        {
            try
            {
                change(_ledger.Pool());
            }
            catch (RfException e)
            {
                Assert.True(!expected, $"{description}: refused but the model accepts it: {e.Message}");
                Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
                _rejected++;
                return;
            }

            Assert.True(expected, $"{description}: accepted but the model refuses it");
            if (abort)
            {
                _aborted++;
                return;
            }

            _ledger.Commit();
            _accepted++;
        }
    }

    /// <summary>Checks a new subOS's CPUs: the request met with free CPUs, on one node and whole cores when that was possible.</summary>
    private static void CheckChoice(CpuRequest request, CpuSet cpus, CpuSet freeBefore, string description)
    {
        Assert.True(cpus.IsSubsetOf(freeBefore), $"{description}: took {cpus}, free was {freeBefore}");
        if (request.Kind == CpuRequest.RequestKind.List)
        {
            Assert.Equal(request.List, cpus);
            return;
        }

        Assert.Equal(request.Count, cpus.Count);
        var nodeFits = freeBefore.GroupBy(NodeOf).Any(g => g.Count() >= request.Count);
        var nodes = cpus.Select(NodeOf).Distinct().ToList();
        if (!nodeFits)
        {
            return;
        }

        Assert.True(nodes.Count == 1, $"{description}: spans nodes ({cpus}) though one node had room (free {freeBefore})");
        var wholeFree = freeBefore.Where(c => NodeOf(c) == nodes[0] && c < 12 && freeBefore.Contains(c + 12)).Count();
        if (request.Count % 2 == 0 && wholeFree >= request.Count / 2)
        {
            Assert.True(cpus.All(c => cpus.Contains(SiblingOf(c))), $"{description}: {cpus} splits a core though {wholeFree} whole cores were free");
        }
    }

    // S-A: cpu0-5 and their siblings 12-17 on node 0, cpu6-11 and 18-23 on node 1.
    private static int NodeOf(int cpu) => cpu % 12 / 6;

    private static int SiblingOf(int cpu) => cpu < 12 ? cpu + 12 : cpu - 12;

    public void Dispose() => _file.Dispose();
}
