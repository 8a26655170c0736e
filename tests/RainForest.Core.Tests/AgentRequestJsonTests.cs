using System.Text.Json;
using RainForest.Core.Agent;

namespace RainForest.Core.Tests;

public class AgentRequestJsonTests
{
    [Theory]
    [InlineData(AgentOp.Exec, "exec")]
    [InlineData(AgentOp.Ping, "ping")]
    [InlineData(AgentOp.Signal, "signal")]
    [InlineData(AgentOp.Resize, "resize")]
    [InlineData(AgentOp.RebindView, "rebind-view")]
    public void Op_TravelsAsItsLowerCaseName(AgentOp op, string wire)
    {
        // Running agents were started by an older rfm: the names on the wire are the ones they read.
        var json = JsonSerializer.Serialize(new AgentRequest { Op = op }, AgentJsonContext.Default.AgentRequest);

        Assert.Contains($"\"op\":\"{wire}\"", json, StringComparison.Ordinal);
        Assert.Equal(op, JsonSerializer.Deserialize($"{{\"op\":\"{wire}\"}}", AgentJsonContext.Default.AgentRequest)!.Op);
    }

    [Fact]
    public void Op_Unknown_IsAJsonError()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("{\"op\":\"reboot\"}", AgentJsonContext.Default.AgentRequest));
    }
}
