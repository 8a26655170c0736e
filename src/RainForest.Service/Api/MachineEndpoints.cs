using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Supervisor;

namespace RainForest.Service.Api;

/// <summary><c>GET /v1/machine</c> (the machine and who owns what) and <c>POST /v1/reconcile</c> (<c>rfm reconcile</c>).</summary>
internal static class MachineEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/machine", Machine).WithTags("machine").WithSummary("The topology, the partition, every CPU with its owner and memory per subOS");
        app.MapPost("/v1/reconcile", Reconcile).WithTags("machine").WithSummary("Repair what a crash left behind and check the ledger (rfm reconcile)");
    }

    private static Ok<MachineView> Machine(SupervisorAccess access) =>
        TypedResults.Ok(access.Read(s => MachineView.From(RainForestSupervisor.Topology(s.HostRoot), s.Pool(), s.List())));

    private static Ok<ReconcileResult> Reconcile(SupervisorAccess access)
    {
        var (repairs, problems) = access.Reconcile();
        return TypedResults.Ok(new ReconcileResult(repairs, problems));
    }
}
