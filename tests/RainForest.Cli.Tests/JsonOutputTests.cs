using System.Text.Encodings.Web;
using System.Text.Json;
using RainForest.Channels;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Cli.Tests;

/// <summary>
/// The <c>--json</c> outputs, through the source-generated models: the same names and values programs read before
/// the models were typed (reflection over the same records), with the subOS's backend added.
/// </summary>
public sealed class JsonOutputTests
{
    private static readonly DateTimeOffset s_created = new(2026, 12, 1, 9, 40, 43, TimeSpan.Zero);
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void SubOsStatus_ShowJson_FieldsAndValues()
    {
        var record = new SubOsRecord
        {
            Name = "web",
            State = SubOsState.Running,
            Cpus = CpuSet.Parse("1-2"),
            Mems = NodeSet.Of(0),
            Memory = ByteSize.Parse("256M"),
            RootFs = "/",
            Created = s_created,
            AgentPid = 21275,
            AgentStart = 335848,
            MonitorPid = 21274,
            Net = NetMode.Loop,
            Address = "10.77.0.2",
            Nics = ["eth1"],
            IdBase = 1073807360,
            PidsMax = 1024,
        };

        var status = new SubOsStatus(record, true, 2129920, 2, "1-2") { Partition = new PartitionState(PartitionKind.Isolated, false, "Parent is not a partition root") };
        var json = JsonSerializer.Serialize(status, RfmJsonContext.Default.SubOsStatus);

        Assert.Equal("""
            {
              "record": {
                "name": "web",
                "state": "running",
                "cpus": "1-2",
                "mems": "0",
                "memory": 268435456,
                "rootFs": "/",
                "created": "2026-12-01T09:40:43+00:00",
                "agentPid": 21275,
                "agentStart": 335848,
                "monitorPid": 21274,
                "revision": 0,
                "net": "loop",
                "address": "10.77.0.2",
                "nics": [
                  "eth1"
                ],
                "privileged": false,
                "idBase": 1073807360,
                "pidsMax": 1024,
                "backend": "cell"
              },
              "agentAlive": true,
              "memoryUsedBytes": 2129920,
              "processes": 2,
              "kernelCpus": "1-2",
              "partition": {
                "kind": "isolated",
                "valid": false,
                "reason": "Parent is not a partition root"
              },
              "parked": false,
              "cpuQuota": null,
              "idleOn": null,
              "vcpus": null
            }
            """, json);
    }

    [Fact]
    public void SubOsStatus_KernelVcpus_ModeAndBudget()
    {
        var record = new SubOsRecord
        {
            Name = "k1",
            State = SubOsState.Running,
            Cpus = CpuSet.Parse("1"),
            Mems = NodeSet.Of(0),
            Memory = ByteSize.Parse("384M"),
            RootFs = "/",
            Created = s_created,
        };
        var status = new SubOsStatus(record, true, 0, 1, "1") { Vcpus = new GuestVcpuChange(GuestVcpuMode.Budget, 6, 3, 3, true) };

        Assert.Contains(
            "\"vcpus\":{\"mode\":\"budget\",\"threadBudget\":6,\"threadsStarted\":3,\"plugsLeft\":3,\"unplugs\":true}",
            Compact(JsonSerializer.Serialize(status, RfmJsonContext.Default.SubOsStatus)), StringComparison.Ordinal);
    }

    [Fact]
    public void Channel_Journal_Init_Destroy_FieldsAndValues()
    {
        var channel = new ChannelRecord("fan", FicmChannelMode.Broadcast, 1024, 4096, [new ChannelMember("a", 0, true), new ChannelMember("b", 1, false)], s_created);
        var entry = new JournalEntry(12, s_created, "channel-create", "ch3", null, null, 18.7434, JournalOutcome.Rejected, "--mode bogus");
        var init = new InitSummary("rf-c0063e3d", CgroupMode.Hybrid, "", 536870912, false, "42e02bfeec45d4d8");

        Assert.Equal(
            """{"name":"fan","mode":"broadcast","slots":1024,"maxMessage":4096,"members":[{"subOs":"a","receiver":0,"attached":true},{"subOs":"b","receiver":1,"attached":false}],"created":"2026-12-01T09:40:43+00:00"}""",
            Compact(JsonSerializer.Serialize(channel, RfmJsonContext.Default.ChannelRecord)));
        Assert.Equal(
            """[{"id":12,"time":"2026-12-01T09:40:43+00:00","operation":"channel-create","target":"ch3","before":null,"after":null,"durationMs":18.7434,"outcome":"rejected","message":"--mode bogus"}]""",
            Compact(JsonSerializer.Serialize<IReadOnlyList<JournalEntry>>([entry], RfmJsonContext.Default.IReadOnlyListJournalEntry)));
        Assert.Equal(
            """{"prefix":"rf-c0063e3d","cgroupMode":"hybrid","reserveCpus":"","reserveMemory":536870912,"hostConfined":false,"machineKey":"42e02bfeec45d4d8"}""",
            Compact(JsonSerializer.Serialize(init, RfmJsonContext.Default.InitSummary)));
        Assert.Equal("""{"destroyed":["b"]}""", Compact(JsonSerializer.Serialize(new DestroySummary(["b"]), RfmJsonContext.Default.DestroySummary)));
    }

    /// <summary>The same JSON on one line (re-encoded without escaping <c>+</c>, as the writer wrote it).</summary>
    private static string Compact(string indented) => JsonSerializer.Serialize(JsonDocument.Parse(indented).RootElement, s_compact);
}
