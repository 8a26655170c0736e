using System.Text.Json;
using RainForest.Bench.Contracts;

namespace RainForest.Bench.Tests.Contracts;

public class IpcResultTests
{
    [Fact]
    public void ToJson_OneLineOfCamelCaseNames_ReadsBack()
    {
        var result = new IpcResult(IpcTransport.Unix, IpcWait.Block, 64, 5000, 1234.5, 1200, 3000, 9000, 12000, 2.5e6, 50_000);

        var json = result.ToJson();

        Assert.DoesNotContain('\n', json);
        Assert.StartsWith("""{"transport":"unix","wait":"block","size":64,"messages":5000,"meanNs":1234.5,"p50Ns":1200,""", json, StringComparison.Ordinal);
        Assert.Equal(result, IpcResult.FromJson(json));
    }

    [Fact]
    public void FromJson_UnknownTransport_Throws() =>
        Assert.Throws<JsonException>(() => IpcResult.FromJson("""{"transport":"carrier pigeon","wait":"spin","size":64}"""));

    [Fact]
    public void ToName_EveryMember_IsItsJsonName()
    {
        foreach (var transport in Enum.GetValues<IpcTransport>())
        {
            Assert.Equal($"\"{transport.ToName()}\"", JsonSerializer.Serialize(transport));
        }

        foreach (var wait in Enum.GetValues<IpcWait>())
        {
            Assert.Equal($"\"{wait.ToName()}\"", JsonSerializer.Serialize(wait));
        }
    }
}
